"""Cover cards: size, bytes bound, determinism, and Cyrillic drawn as glyphs, not as .notdef boxes."""

from __future__ import annotations

import io
from importlib.resources import files

from PIL import Image, ImageChops, ImageDraw

from social_publisher.config import Config, EnrichConfig
from social_publisher.enrich import covers, enrich
from social_publisher.publish.content import _cover
from social_publisher.records import Activity, Story, fingerprint

LONG_RU = ("Ускорил сборку контейнеров и научил бота повторять запросы к API телеграма с экспоненциальной "
           "задержкой, чтобы ночные сбои сети больше не роняли рассылку")
TAGS = ["python", "docker", "telegram", "postgresql", "github-actions", "kubernetes", "redis"]


def image(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


def title_region(text: str) -> Image.Image:
    """The middle band of a card whose title is `text` (project and tags kept the same)."""
    card = image(covers.render_cover(text, "demo", ["python"])).convert("L")
    return card.crop((covers.MARGIN, 200, covers.WIDTH - covers.MARGIN, 430))


def differs(a: Image.Image, b: Image.Image) -> int:
    """How many pixels of two same-size regions differ visibly."""
    return ImageChops.difference(a, b).point(lambda v: 255 if v > 40 else 0).histogram()[255]


def test_a_card_is_a_1200x630_png_under_200_kb_even_for_a_long_russian_title():
    data = covers.render_cover(LONG_RU, "tg-digest-bot", TAGS)
    card = image(data)
    assert card.format == "PNG" and card.size == (1200, 630)
    assert len(data) <= covers.MAX_BYTES


def test_the_same_text_gives_the_same_bytes_and_other_text_other_bytes():
    first = covers.render_cover("Retry the fetcher with backoff", "fetchbot", ["python"])
    assert covers.render_cover("Retry the fetcher with backoff", "fetchbot", ["python"]) == first
    assert covers.render_cover("Retry the fetcher with jitter", "fetchbot", ["python"]) != first


def test_cyrillic_letters_are_drawn_as_glyphs_not_as_the_missing_glyph_box():
    zhe, sha = title_region("Ж"), title_region("Ш")
    box = title_region("\U0010FFFD")  # a private-use code point no font has: the .notdef box
    other_box = title_region("\U0010FFFC")
    assert differs(box, other_box) == 0  # every missing letter looks the same: that is what the test detects
    assert differs(zhe, sha) > 200
    assert differs(zhe, box) > 200 and differs(sha, box) > 200
    blank = title_region(" ")
    assert differs(zhe, blank) > 500  # ink was laid down


def test_every_russian_letter_has_a_glyph_of_its_own_in_the_shipped_font():
    def drawn(letter: str) -> bytes:
        canvas = Image.new("L", (90, 90))
        ImageDraw.Draw(canvas).text((10, 5), letter, font=covers.font(60, bold=True), fill=255)
        return canvas.tobytes()

    box = drawn("\U0010FFFD")
    alphabet = "АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯабвгдеёжзийклмнопрстуфхцчшщъыьэюя"
    shapes = {letter: drawn(letter) for letter in alphabet}
    assert [letter for letter, shape in shapes.items() if shape == box] == []
    assert len(set(shapes.values())) == len(alphabet)  # 66 distinct shapes, none of them the box


def test_the_font_and_its_license_ship_with_the_package():
    fonts = files("social_publisher.enrich") / "fonts"
    assert (fonts / "DejaVuSans.ttf").is_file() and (fonts / "DejaVuSans-Bold.ttf").is_file()
    assert "Bitstream Vera" in (fonts / "LICENSE.txt").read_text(encoding="utf-8")
    assert covers.font(40).font.family == "DejaVu Sans"


def test_very_long_titles_are_cut_to_three_lines_and_long_words_are_broken():
    size, lines = covers._fit_title(" ".join([LONG_RU] * 3), covers.WIDTH - 2 * covers.MARGIN)
    assert len(lines) == 3 and lines[-1].endswith("…") and size == covers.TITLE_SIZES[-1]
    face = covers.font(covers.TITLE_SIZES[0], bold=True)
    word = "x" * 200
    assert all(face.getlength(line) <= 1040 for line in covers._wrap(word, face, 1040))


def _story(store, tags=("python", "docker")) -> int:
    store.add_activity([Activity("git", "shipper", "commit", "2026-11-20T10:00:00+00:00", "Dev <dev@example.org>",
                                 "Cut the image build from 4 minutes to 50 seconds",
                                 {"files": [{"path": "Dockerfile", "added": 9, "removed": 2}], "own": True},
                                 fingerprint("git", "shipper", "cover"))])
    ids = [a.id for a in store.activity()]
    story_id = store.add_story(Story("shipper", "2026-11-20T10:00:00+00:00", "2026-11-20T10:00:00+00:00", 3.0,
                                     "feature", list(tags), ids, fingerprint="cover-story"))
    assert story_id is not None
    return story_id


def test_enrich_makes_a_card_beside_the_store_that_the_site_picks_up(store, write_config, tmp_path):
    config = write_config("")
    story = _story(store)
    report = enrich(store, config)
    brief = store.brief(story)
    assert report.covers == 1 and brief.image_path == f"state/covers/story-{story}.png"
    path = tmp_path / brief.image_path
    data = path.read_bytes()
    assert data == covers.render_cover(covers.cover_title(brief.facts), "shipper", ["python", "docker"])
    assert image(data).size == (1200, 630)
    cover = _cover(store, config, story)
    assert cover is not None and cover.source == path


def test_cover_images_can_be_turned_off(store):
    story = _story(store)
    enrich(store, Config(enrich=EnrichConfig(wikipedia=False, cover_images=False)))
    assert store.brief(story).image_path is None
    assert not (store.path.parent / "covers").exists()


def test_cover_title_falls_back_from_headline_to_goal_to_note_title_to_project():
    assert covers.cover_title({"headline": "Add  retry", "goal": "g", "project": "p"}) == "Add retry"
    assert covers.cover_title({"headline": None, "goal": "Make it fast", "project": "p"}) == "Make it fast"
    assert covers.cover_title({"note_titles": ["Idea"], "project": "p"}) == "Idea"
    assert covers.cover_title({"project": "p"}) == "p"


def test_the_write_stage_adds_a_card_per_language_with_the_posts_own_title(store, write_config, tmp_path):
    from social_publisher.write import write

    config = write_config("[writer]\nmin_words = 20\n")
    story = _story(store)
    enrich(store, config)
    write(store, config)
    brief = store.brief(story)
    posts = {post.lang: post for post in store.posts(story_id=story)}
    assert set(brief.covers) == {lang for lang, post in posts.items() if post.status != "rejected"} == {"en", "ru"}
    for lang, post in posts.items():
        assert brief.covers[lang] == f"state/covers/story-{story}-{lang}.png"
        assert covers.cover_for(brief, lang) == brief.covers[lang]
        data = (tmp_path / brief.covers[lang]).read_bytes()
        assert data == covers.render_cover(post.title, "shipper", ["python", "docker"])
    assert (tmp_path / brief.covers["en"]).read_bytes() != (tmp_path / brief.covers["ru"]).read_bytes()
    assert brief.image_path == f"state/covers/story-{story}.png"  # the story's card stays the default
    assert covers.cover_for(brief, "de") == brief.image_path
