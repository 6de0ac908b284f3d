"""Config loading: defaults, path resolution, and one-line errors naming file and line."""

from pathlib import Path

import pytest

from social_publisher.config import load_config
from social_publisher.errors import ConfigError


def test_defaults_and_relative_paths_resolve_against_the_config_file(write_config, tmp_path: Path):
    (tmp_path / "repo").mkdir()
    config = write_config('[[sources]]\ntype = "git"\npath = "repo"\n')
    assert config.store.path == tmp_path / "state" / "publisher.db"
    assert config.site.out_dir == tmp_path / "site"
    assert config.sources[0].path == tmp_path / "repo"
    assert config.writer.backend == "offline"
    assert config.writer.languages == ["en", "ru"]


def test_missing_config_file_names_the_path(tmp_path: Path):
    with pytest.raises(ConfigError, match="nope.toml: config file not found"):
        load_config(tmp_path / "nope.toml")


def test_unknown_backend_names_file_line_and_choices(write_config, tmp_path: Path):
    with pytest.raises(ConfigError) as caught:
        write_config('[store]\npath = "x.db"\n\n[writer]\nlanguages = ["en"]\nbackend = "gpt-magic"\n')
    message = str(caught.value)
    assert message.startswith(f"{tmp_path / 'publisher.toml'}:6:")
    assert "gpt-magic" in message and "offline" in message
    assert "\n" not in message


def test_unknown_key_is_rejected_by_name_and_line(write_config):
    with pytest.raises(ConfigError, match=r"publisher.toml:3: unknown key 'site.colour'"):
        write_config('[site]\ntitle = "Blog"\ncolour = "red"\n')


def test_source_path_that_does_not_exist(write_config):
    with pytest.raises(ConfigError, match=r"publisher.toml:4: source path does not exist: .*missing-repo"):
        write_config('[[sources]]\ntype = "git"\n\npath = "missing-repo"\n')


def test_source_of_unknown_type_points_at_its_key(write_config):
    with pytest.raises(ConfigError, match=r"publisher.toml:4: 'sources.type'.*'git'"):
        write_config('[store]\n\n[[sources]]\ntype = "svn"\npath = "."\n')


def test_invalid_toml_reports_the_line(write_config):
    with pytest.raises(ConfigError, match=r"publisher.toml:2: invalid TOML"):
        write_config('[site]\ntitle = \n')


def test_bad_redact_pattern(write_config):
    with pytest.raises(ConfigError, match=r"publisher.toml:2: 'enrich.redact_patterns'.*not a valid regex"):
        write_config('[enrich]\nredact_patterns = ["(unclosed"]\n')


def test_the_config_path_cannot_be_set_from_the_file(write_config):
    with pytest.raises(ConfigError, match="unknown key 'config_path'"):
        write_config('config_path = "/etc"\n')
