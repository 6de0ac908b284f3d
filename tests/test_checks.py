"""Each post check catches the sample blog's defects (post-anatomy.md 1-6) and lets a good post through.

Defective text is quoted from reference/sample-blog.txt.
"""

from __future__ import annotations

import pytest

from social_publisher.enrich.redact import Redactor, fingerprint
from social_publisher.write import checks

# -- quotes from the sample blog -----------------------------------------------------------

LEAKED_PROMPT = (
    "What to fix: - Punctuation: missing or extra commas, periods, dashes, quotes - Spelling: typos, misspelled words "
    "- Grammar: subject-verb agreement, tense consistency, word order - Meaning: illogical phrases, incomplete "
    "sentences, repeated ideas, inconsistent narrative - Style: replace jargon with clearer language, remove "
    "tautologies Rules: - Return ONLY the corrected text, no comments or annotations - Do NOT change structure, "
    "headings, or formatting (Markdown) - Do NOT add or remove paragraphs or sections - Do NOT rewrite the text — "
    "only targeted error fixes - If there are no errors — return the text as is"
)
NARRATED_METADATA = (
    "The changes were deployed cleanly, with the category marked as code_change and tags noting the technologies "
    "involved: claude (the model), ai (the domain), and python (the implementation language)."
)
TWO_TITLES = ("Taming Telegram: How ChatManager Brought Order to Bot Chaos",
              "# Building ChatManager: Taming the Telegram Bot Zoo\n\nI had a familiar problem that creeps up on every "
              "growing bot project: chaos. My voice agent had been happily managing users through SQLite.")
FLATTENED = (
    "# Authelia Setup: Securing the Admin Panel Behind the Scenes The borisovai-admin project needed proper "
    "authentication infrastructure, and I faced a common DevOps challenge: how to manage credentials securely."
)
FLATTENED_SECTION = ("I started by breaking the work into five logical checkpoints. ## The Integration Dance With the "
                     "core class ready, the next step was database migrations.")
THIRD_PERSON = (
    "Pavel faced a familiar problem that creeps up on every growing bot project: chaos. His voice agent had been "
    "happily managing users through SQLite. Pavel started by breaking the work into five logical checkpoints."
)
THE_DEVELOPER = ("The borisovai-admin project needed proper authentication infrastructure, and the developer faced a "
                 "common DevOps challenge.")
ADMIN_DETAIL = (
    "The default admin account gets created with a username that's hardcoded in every Authelia setup: **admin**.",
    "Instead, it's derived from the Management UI's own authentication store at `/etc/management-ui/auth.json`.",
    "I committed these changes in `e287a26` and pushed them to the pipeline.",
)

GOOD_BODY = """I sat down with one goal for **fetchbot**: make the fetcher survive flaky networks.

## What I did

First I added retry with exponential backoff. Then I fixed timeout handling in the HTTP client.

## The numbers

- Latency: **850 ms** → **240 ms**

## What I learned

The root cause was that the client never set a timeout, so my dead connections hung forever.

I blamed the network. The network, for once, had logs. 😄
"""


# -- defect 1 ---------------------------------------------------------------------------------

def test_leaked_proofreading_prompt_is_caught() -> None:
    reason = checks.prompt_leak(GOOD_BODY + "\n\n" + LEAKED_PROMPT)
    assert reason and "instruction" in reason


@pytest.mark.parametrize("fragment", [
    "Here is the corrected text:", "As an AI language model, I cannot", "You are an expert technical writer.",
    "Верни только исправленный текст.", "- Punctuation: fix commas\n- Spelling: fix typos", "{{ title }}",
])
def test_other_prompt_fragments_are_caught(fragment: str) -> None:
    assert checks.prompt_leak(f"Intro.\n\n{fragment}\n\nOutro.")


def test_prose_about_doing_things_is_not_a_leak() -> None:
    assert checks.prompt_leak(GOOD_BODY) is None
    assert checks.prompt_leak("I do not change the schema; I return only the rows I need.") is None


# -- defect 2 ---------------------------------------------------------------------------------

def test_narrated_metadata_is_caught() -> None:
    reason = checks.narrated_metadata(GOOD_BODY + NARRATED_METADATA, "code_change")
    assert reason and "metadata" in reason


@pytest.mark.parametrize("text", ["The category is bug_fix.", "Tags: python, sqlite.", "Категория: эксперимент.",
                                  "Теги: python, sqlite.", "This story was scored high."])
def test_other_metadata_narrations_are_caught(text: str) -> None:
    assert checks.narrated_metadata(text)


def test_ordinary_words_are_not_metadata() -> None:
    text = "CIFAR-100 has 100 fine-grained categories, and HTML tags are escaped by the renderer."
    assert checks.narrated_metadata(text, "experiment") is None


# -- defects 3 and 4 -----------------------------------------------------------------------

def test_a_second_title_inside_the_body_is_caught() -> None:
    title, body = TWO_TITLES
    reason = checks.second_title(title, body)
    assert reason and "second title" in reason


def test_the_title_repeated_as_the_first_line_is_caught() -> None:
    assert checks.second_title("Retry With Backoff", "**Retry with backoff**\n\nText.")


def test_section_headings_are_not_a_second_title() -> None:
    assert checks.second_title("Retry With Backoff", GOOD_BODY) is None


def test_flattened_heading_is_caught() -> None:
    reason = checks.flattened_markdown(FLATTENED)
    assert reason and "heading" in reason


def test_heading_marker_inside_a_line_is_caught() -> None:
    assert "inside a line" in checks.flattened_markdown(FLATTENED_SECTION)


def test_flattened_list_is_caught() -> None:
    assert "list" in checks.flattened_markdown("Intro. " + LEAKED_PROMPT[:200])


def test_a_body_without_paragraph_breaks_is_caught() -> None:
    one_block = " ".join(["I changed one more thing in the code and measured it again."] * 15)
    assert checks.flattened_markdown(one_block)


def test_well_formed_markdown_passes() -> None:
    assert checks.flattened_markdown(GOOD_BODY) is None


# -- defect 5 ---------------------------------------------------------------------------------

def test_third_person_about_a_named_person_is_caught() -> None:
    assert "third-person" in checks.voice(THIRD_PERSON, "en")


def test_the_developer_is_caught() -> None:
    assert "the developer" in checks.voice(THE_DEVELOPER + " I was there too. My code.", "en")


def test_a_post_without_first_person_is_caught() -> None:
    assert "first person" in checks.voice("The router was retrained. Accuracy improved. Tests pass.", "en")


def test_russian_voice() -> None:
    assert checks.voice("Разработчик решил переписать модуль. Потом он начал тесты.", "ru")
    assert checks.voice("Я переписал модуль, и мне стало легче. Тест упал, потом он прошёл.", "ru") is None


def test_first_person_post_passes() -> None:
    assert checks.voice(GOOD_BODY, "en") is None
    assert checks.voice("We just wrapped Phase 18 of our project, and it surprised us.", "en") is None


# -- defect 6 and the redactor's rule -----------------------------------------------------------

@pytest.mark.parametrize("sentence", ADMIN_DETAIL)
def test_security_sensitive_detail_is_caught(sentence: str) -> None:
    reason = checks.sensitive_detail(GOOD_BODY + "\n\n" + sentence, Redactor())
    assert reason and "sensitive" in reason


def test_a_removed_value_coming_back_is_caught_by_its_fingerprint() -> None:
    # A value a configured pattern removed; the default redactor would not know it.
    reason = checks.sensitive_detail("I shipped it for Globex Corporation today.", Redactor(),
                                     [fingerprint("Globex Corporation")])
    assert reason and "came back" in reason


def test_clean_post_has_no_sensitive_detail() -> None:
    assert checks.sensitive_detail(GOOD_BODY, Redactor(), [fingerprint("Globex Corporation")]) is None


# -- numbers ------------------------------------------------------------------------------------

BRIEF_TEXT = "Latency went from 850 ms to 240 ms. All 42 tests pass. 1,000 steps. Period 2026-11-20T10:00:00+00:00"


def test_invented_numbers_are_rejected() -> None:
    reason = checks.invented_numbers(GOOD_BODY + "\nAccuracy reached **97.5%** after 3 runs.", BRIEF_TEXT)
    assert reason == "numbers not in the brief: 3, 97.5"


def test_numbers_from_the_brief_pass_in_any_formatting() -> None:
    assert checks.invented_numbers("**850 мс** → **240 мс**, 42 теста, 1000 шагов", BRIEF_TEXT) is None


def test_dates_are_not_results() -> None:
    assert checks.invented_numbers("Written on 2026-11-21.", "nothing") is None


def test_en_and_ru_must_carry_the_same_numbers() -> None:
    assert checks.numbers_differ({"en": "From 850 ms to 240 ms, 42 tests", "ru": "С 850 мс до 240 мс, 42 теста"}) is None
    reason = checks.numbers_differ({"en": "From 850 ms to 240 ms, 42 tests", "ru": "С 850 мс до 240 мс"})
    assert reason == "ru version lacks numbers the other version has: 42"


# -- language -------------------------------------------------------------------------------------

def test_english_body_under_a_russian_title_is_caught() -> None:
    reason = checks.wrong_language("Как я ускорил fetchbot", GOOD_BODY, "ru", ["fetchbot"])
    assert reason and "not mostly in ru" in reason


def test_russian_body_with_code_names_and_quotes_passes() -> None:
    body = ("Я добавил «retry with exponential backoff» в `src/fetchbot/fetcher.py`, и **fetchbot** перестал падать.\n\n"
            "## Что я понял\n\nГлавное: таймаут нужен всегда, даже если сеть кажется надёжной. Мне это стоило вечера.")
    assert checks.wrong_language("Как я добавил повторы в fetchbot", body, "ru", ["fetchbot"]) is None


def test_a_russian_post_made_of_english_quotes_is_caught() -> None:
    body = "Я записал:\n\n> " + " ".join(["The fetcher kept dying on flaky networks and nobody knew why."] * 4)
    reason = checks.wrong_language("Как я чинил fetchbot", body, "ru", ["fetchbot"])
    assert reason and "quotation" in reason


def test_english_title_on_a_russian_post_is_caught() -> None:
    body = "Я переписал модуль, и всё заработало. Мне понравилось, как это получилось в итоге."
    assert "title" in checks.wrong_language("How I Rewrote the Module", body, "ru")


# -- length and title ------------------------------------------------------------------------------

def test_length_bounds() -> None:
    assert checks.length(GOOD_BODY, 150, 900).startswith("too short")
    assert checks.length(GOOD_BODY, 10, 20).startswith("too long")
    assert checks.length(GOOD_BODY, 10, 900) is None


def test_the_length_bound_follows_what_the_sources_hold_in_the_posts_language() -> None:
    thin = {"actions": [{"text": "Add CSV export"}], "files": ["export.py"]}
    sentence = "The fetcher kept dying on flaky networks, and every lost message had to be sent again by hand."
    rich = {"goal": sentence, "actions": [{"text": "Add retry with exponential backoff to the HTTP fetcher"}],
            "lessons": [f"{sentence} Lesson {i}." for i in range(7)],
            "problem": {"kind": "error", "text": "TimeoutError: read timed out after 30 s"}}
    assert checks.material_words(rich) >= 150
    assert checks.required_words(rich, 150) == checks.required_words(rich, 150, "en") == 150
    # the sources say nothing in Russian but an error line: a Russian post cannot be asked for 150 words
    assert checks.material_words(rich, "ru") == checks.material_words({"problem": rich["problem"]}) < 150
    assert checks.required_words(rich, 150, "ru") == 50
    russian = {**rich, "lessons": [f"Оказалось, что сеть здесь ни при чём, а клиент просто не ставил таймаут {i}."
                                   for i in range(12)]}
    assert checks.required_words(russian, 150, "ru") == 150
    assert checks.required_words(thin, 150) == 50
    assert checks.thin_story(thin, 150) == "too thin for a post: its sources hold 4 words (at least 50 needed)"
    assert checks.thin_story(rich, 150) is None


@pytest.mark.parametrize("title", ["", "Update", "Progress update", "fetchbot", "Обновление", "Two words",
                                   "# Retry With Backoff for the Fetcher"])
def test_missing_or_generic_titles_are_rejected(title: str) -> None:
    assert checks.bad_title(title, "fetchbot")


def test_a_specific_title_passes() -> None:
    assert checks.bad_title("From 850 ms to 240 ms: Retry With Backoff", "fetchbot") is None


# -- together ------------------------------------------------------------------------------------

def _context(lang: str = "en") -> checks.CheckContext:
    facts = {"project": "fetchbot", "category": "feature", "redacted_fingerprints": []}
    return checks.CheckContext(lang=lang, facts=facts, allowed_text=BRIEF_TEXT, min_words=10, max_words=900,
                               redactor=Redactor(), names=("fetchbot",))


def test_check_post_passes_a_good_post() -> None:
    assert checks.check_post("From 850 ms to 240 ms: Retry With Backoff", GOOD_BODY, _context()) == []


@pytest.mark.parametrize("defect, expected", [
    (LEAKED_PROMPT, "instruction"), (NARRATED_METADATA, "metadata"), (FLATTENED, "heading"),
    (THIRD_PERSON, "third-person"), (ADMIN_DETAIL[1], "sensitive"), ("It took 7 retries.", "numbers not in the brief"),
])
def test_check_post_rejects_each_sample_defect(defect: str, expected: str) -> None:
    reasons = checks.check_post("From 850 ms to 240 ms: Retry With Backoff", GOOD_BODY + "\n\n" + defect, _context())
    assert any(expected in reason for reason in reasons), reasons


def test_check_post_rejects_two_titles() -> None:
    title, body = TWO_TITLES
    reasons = checks.check_post(title, body + "\n\n" + GOOD_BODY, _context())
    assert any("second title" in reason for reason in reasons)


def test_links_must_come_from_the_brief():
    allowed = "See https://github.com/simonw/sqlite-utils/issues/843 for the crash.\nprevious-post.html"
    assert checks.invented_links("I fixed [the crash](https://github.com/simonw/sqlite-utils/issues/843).", allowed) is None
    assert checks.invented_links("As [before](previous-post.html), the fix is small.", allowed) is None
    assert checks.invented_links("Details: https://github.com/simonw/sqlite-utils/issues/843.", allowed) is None
    assert checks.invented_links("Read [the docs](https://sqlite-utils.datasette.io/en/stable/).", allowed) == \
        "link not in the brief: 'https://sqlite-utils.datasette.io/en/stable/'"
    assert checks.invented_links("Mirror at www.example.com/x today.", allowed) == \
        "link not in the brief: 'www.example.com/x'"
    assert checks.invented_links('See [notes](other.html "Notes") too.', allowed) == "link not in the brief: 'other.html'"
