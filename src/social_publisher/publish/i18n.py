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
        "locale": "en_US",
        "tags": "Tags",
        "tags_heading": "Tags",
        "tagged": "Posts tagged “{name}”",
        "project": "Project",
        "projects": "Projects",
        "projects_heading": "Projects",
        "project_posts": "Posts about {name}",
        "archive": "Archive",
        "archive_heading": "Archive by month",
        "month_posts": "Posts of {name}",
        "category": "Category",
        "older": "Previous post",
        "newer": "Next post",
        "index_more": "These are the newest posts; every other one is in the archive.",
        "not_found_title": "Page not found",
        "not_found_text": "There is no page at this address. It may have moved; the latest posts are below.",
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
        "locale": "ru_RU",
        "tags": "Теги",
        "tags_heading": "Теги",
        "tagged": "Записи с тегом «{name}»",
        "project": "Проект",
        "projects": "Проекты",
        "projects_heading": "Проекты",
        "project_posts": "Записи о проекте {name}",
        "archive": "Архив",
        "archive_heading": "Архив по месяцам",
        "month_posts": "Записи за {name}",
        "category": "Категория",
        "older": "Предыдущая запись",
        "newer": "Следующая запись",
        "index_more": "Здесь самые свежие записи; все остальные — в архиве.",
        "not_found_title": "Страница не найдена",
        "not_found_text": "По этому адресу страницы нет. Возможно, она переехала; свежие записи — ниже.",
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

CATEGORIES: dict[str, dict[str, str]] = {
    "en": {"bug_fix": "Bug fix", "experiment": "Experiment", "feature": "Feature", "refactor": "Refactoring",
           "infrastructure": "Infrastructure", "docs": "Documentation", "learning": "Learning",
           "code_change": "Code change"},
    "ru": {"bug_fix": "Исправление", "experiment": "Эксперимент", "feature": "Новая функция",
           "refactor": "Рефакторинг", "infrastructure": "Инфраструктура", "docs": "Документация",
           "learning": "Изучение", "code_change": "Изменение кода"},
}

# Nominative case for a month on its own: "ноябрь 2026".
_MONTHS_ALONE = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"),
    "ru": ("январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь",
           "октябрь", "ноябрь", "декабрь"),
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


def format_month(value: datetime, lang: str) -> str:
    """A month and year: "November 2026" / "ноябрь 2026"."""
    months = _MONTHS_ALONE.get(lang, _MONTHS_ALONE["en"])
    return f"{months[value.month - 1]} {value.year}"


def month_name(value: datetime, lang: str) -> str:
    """A month on its own, capitalised: "November" / "Ноябрь"."""
    return _MONTHS_ALONE.get(lang, _MONTHS_ALONE["en"])[value.month - 1].capitalize()


def category_name(category: str, lang: str) -> str:
    """A story category as readers see it ("bug_fix" -> "Bug fix"); unknown ones lose their underscores."""
    names = CATEGORIES.get(lang, CATEGORIES["en"])
    return names.get(category) or category.replace("_", " ").capitalize()


def language_order(languages: set[str]) -> list[str]:
    """Known languages first in a fixed order, any others after them alphabetically."""
    known = [lang for lang in STRINGS if lang in languages]
    return known + sorted(languages - set(STRINGS))
