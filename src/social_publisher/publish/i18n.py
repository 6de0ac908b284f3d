"""The site's interface words and date formats per language (English and Russian).

A language without its own table falls back to English, so a post in an
unexpected language still gets a working page.
"""

from __future__ import annotations

from datetime import datetime

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "language_name": "English",
        "read_in": "Read in English",
        "all_posts": "All posts",
        "latest_posts": "Latest posts",
        "tags": "Tags",
        "tagged": "Posts tagged “{tag}”",
        "project": "Project",
        "feed": "Atom feed",
        "no_posts": "No posts yet.",
        "min_read": "{minutes} min read",
        "read_more": "Read more",
        "home": "Home",
        "posts_in_language": "Posts in English",
        "skip_to_content": "Skip to content",
        "cover_alt": "Cover image: {title}",
    },
    "ru": {
        "language_name": "Русский",
        "read_in": "Читать по-русски",
        "all_posts": "Все записи",
        "latest_posts": "Свежие записи",
        "tags": "Теги",
        "tagged": "Записи с тегом «{tag}»",
        "project": "Проект",
        "feed": "Лента Atom",
        "no_posts": "Записей пока нет.",
        "min_read": "{minutes} мин чтения",
        "read_more": "Читать дальше",
        "home": "Главная",
        "posts_in_language": "Записи на русском",
        "skip_to_content": "Перейти к содержанию",
        "cover_alt": "Обложка: {title}",
    },
}

_MONTHS = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"),
    # Genitive case: "26 ноября 2026".
    "ru": ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября",
           "октября", "ноября", "декабря"),
}


def strings(lang: str) -> dict[str, str]:
    return STRINGS.get(lang, STRINGS["en"])


def format_date(value: datetime, lang: str) -> str:
    """A human date in the page's language: "26 November 2026" / "26 ноября 2026"."""
    months = _MONTHS.get(lang, _MONTHS["en"])
    return f"{value.day} {months[value.month - 1]} {value.year}"


def language_order(languages: set[str]) -> list[str]:
    """Known languages first in a fixed order, any others after them alphabetically."""
    known = [lang for lang in STRINGS if lang in languages]
    return known + sorted(languages - set(STRINGS))
