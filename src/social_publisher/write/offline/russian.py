"""What the Russian post can say in Russian about English sources: topics, kinds of change, counts.

The offline writer cannot translate, so a Russian post never quotes an English sentence. What it
can say is coarse but true: what the work was about (`topics`: a glossary of everyday developer
subjects found in the commit subjects, the headline and the file names), how many changes of each
kind went in (`kind_counts`, with numerals that agree with their nouns), and the numbers with
their Russian metric names. `cyrillic_share` is the reader's measure of the page: the share of
Cyrillic letters outside code spans, code blocks and URLs (the project name and the tool included).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Iterable

from social_publisher.write.offline.actions import Action

# The share of Cyrillic letters a Russian post reaches (issue 11): what the writer keeps to.
MIN_CYRILLIC = 0.85

# English words in subjects, headlines and paths -> the Russian name of the topic (nominative).
# Most specific first: the first matches name the story.
GLOSSARY: tuple[tuple[str, str], ...] = (
    (r"retry after|rate[ -]?limit|\b429\b|throttl", "ограничение частоты запросов"),
    (r"\bretr(?:y|ies|ying)\b|backoff", "повторные попытки"),
    (r"timeouts?\b", "таймауты"),
    (r"\bcach(?:e|es|ing|ed)\b", "кэширование"),
    (r"passwords?|argon2|bcrypt|scrypt", "хеширование паролей"),
    (r"\bhash(?:ing|es|ed)?\b|\bhash_id\b", "хеши"),
    (r"\bauth\w*|\blogin\b|\bsign[- ]?in\b|\boauth|\bsso\b", "авторизация"),
    (r"\bsecrets?\b|\bredact\w*|\b(?:api|auth|access|bot|bearer|refresh)[ _-]?tokens?\b|credential", "защита секретов"),
    (r"\brout(?:er|ers|ing)\b", "маршрутизация"),  # not the verb: "route the value through quote()"
    (r"\bdifficulty\b", "оценка сложности"),
    (r"\beval\w*|\bbenchmark\w*|\bgsm8k\b|\baccuracy\b", "оценка качества"),
    (r"\btrain(?:ing)?\b|\bfine-?tun\w*|\bcurriculum\b|\bepochs?\b", "обучение модели"),
    (r"\bdigest\b", "дайджест"),
    (r"\btelegram\b|\bbot api\b", "отправка в Telegram"),
    (r"\bsubscri\w*", "подписчики"),
    (r"\bsearch\w*", "поиск"),
    (r"\bindex\w*", "индексация"),
    (r"\bpars(?:e|er|ing)\b", "разбор входных данных"),
    (r"\bjsonl?\b|\bschema\b", "формат данных"),
    (r"\bforeign[ _]keys?\b|\bfks?\b", "внешние ключи"),
    (r"\bprimary[ _]keys?\b|\bpks?\b|\browid\b", "первичные ключи"),
    (r"\btransactions?\b|\batomic\b|\bsavepoints?\b|\brollback\b|\bautocommit\w*", "транзакции"),
    (r"\bfts\d?\b|\bfull[- ]text\b", "полнотекстовый поиск"),
    (r"\bupserts?\b|\binsert(?:s|ing|ed)?\b|\binsert_all\b", "вставка строк"),
    (r"\bcolumns?\b", "столбцы"),
    (r"\bviews?\b", "представления"),
    (r"\btriggers?\b", "триггеры"),
    (r"\btables?\b", "таблицы"),
    (r"\bwal\b|\bjournal\w*", "журнал базы"),
    (r"\btype (?:annotations?|hints?|signatures?|checking)\b|\bannotations?\b|\bmypy\b|\bty\b",
     "аннотации типов"),
    (r"\bplugins?\b", "плагины"),
    (r"\bwarnings?\b", "предупреждения"),
    (r"\bdefault values?\b|\bdefaults\b", "значения по умолчанию"),
    (r"\bmigrat\w*", "миграции базы"),
    (r"\bsqlite\b|\bdatabase\b|\bstore\b|\bdb\b", "хранилище"),
    (r"\bcli\b|\bcommand[- ]line\b|\bsubcommand|\bflags?\b", "командная строка"),
    (r"\bconfig\w*|\bsettings?\b|\.toml\b|\.ya?ml\b", "конфигурация"),
    (r"\bdocker\w*|\bcompose\b|\bdeploy\w*|\bnginx\b|\btraefik\b|\bproxy\b", "развёртывание"),
    (r"\bci\b|\bworkflows?\b|github actions", "сборка в CI"),
    (r"(?<!git )\blog(?:s|ging|ger)?\b", "логирование"),
    (r"\bcase[- ]insensitive\b|\bfold case\b|\b(?:lower|upper)case\b|\bcase\b", "регистр букв"),
    (r"\bsync\w*", "синхронизация"),
    (r"\bmacos\b|\bwindows\b|\blinux\b|\bplatforms?\b", "поддержка платформ"),
    (r"\bthemes?\b|\bdark mode\b|\bstyl(?:e|es|ing)\b|\bspacing\b|\bfonts?\b|\bcolou?rs?\b|\blayout\b|\.css\b",
     "оформление"),
    (r"\bsitemap\b", "карта сайта"),
    (r"\bprogress\b|\bspinner\b|\btty\b", "индикатор прогресса"),
    (r"\bserve\b|\bserver\b", "локальный сервер"),
    (r"\bdeps\b|\bdependenc\w*|\bpin\b|\bpyproject\b|\brequirements\b|\block ?file\b", "зависимости"),
    (r"\bchangelog\b|\breleases?\b", "выпуск версий"),
    (r"\bcursors?\b|\bincremental\w*|\bresum\w*", "инкрементальная обработка"),
    (r"\bemails?\b|\bmail\b|\bsmtp\b", "почта"),
    (r"\bwebhooks?\b|\bnotif\w*", "уведомления"),
    (r"\bqueues?\b|\bworkers?\b|\bjobs?\b|\bcelery\b", "фоновые задачи"),
    (r"\bthreads?\b|\basync\w*|\bconcurren\w*|\bparallel\w*", "параллельная работа"),
    (r"\bcsv\b|\btsv\b|\bexcel\b|\bspreadsheets?\b|\bxlsx\b", "табличные файлы"),
    (r"\bfrontend\b|\breact\b|\bvue\b|\bcomponents?\b|\bbuttons?\b|\bweb forms?\b|\bui\b", "интерфейс"),
    (r"\bi18n\b|\btranslat\w*|\blocali[sz]\w*", "переводы"),
    (r"\bpermissions?\b|\broles?\b|\baccess control\b", "права доступа"),
    (r"\bbackups?\b|\brestore\b", "резервные копии"),
    (r"\bmetrics\b|\bmonitor\w*|\bgrafana\b|\bprometheus\b|\balerts?\b", "мониторинг"),
    (r"\blint\w*|\bruff\b|\btyping\b", "качество кода"),
    (r"\bembedd\w*|\bvectors?\b|\bretriev\w*|\brag\b", "поиск по смыслу"),
    (r"\bscor(?:e|es|ing)\b|\brank\w*", "оценка и ранжирование"),
    (r"\bduplicat\w*|\bdedup\w*", "поиск дубликатов"),
    (r"\bjokes?\b", "шутки"),
    (r"\bwikipedia\b|\bwiki\b", "справка из Википедии"),
    (r"\bdemo\b|\bsamples?\b", "демо"),
    (r"\bpackag\w*|\bpip\b|\bwheel\b|\binstall\w*", "установка пакета"),
    (r"\bhooks?\b", "хуки"),
    (r"\bmarkdown\b", "разметка текста"),
    (r"\bfront matter\b|\bheadings?\b|\btitles?\b", "заголовки"),
    (r"\bslugs?\b|\burls?\b|\blinks?\b", "ссылки"),
    (r"\bpaths?\b|\bfolders?\b|\bdirector(?:y|ies)\b|\bfile ?systems?\b", "пути к файлам"),
    (r"\bunused\b|\bdead code\b|\brenam\w*|\brefactor\w*|\bclean ?up\b", "чистка кода"),
    (r"\berrors?\b|\bexceptions?\b|\bcrash\w*", "обработка ошибок"),
    (r"\bperf\w*|\bfaster\b|\bspeed\w*|\blatency\b|\bslow\b", "скорость работы"),
    (r"\bmemory\b|\bstream\w*", "расход памяти"),
    (r"\bimages?\b|\bcovers?\b|\bthumbnails?\b|\bpillow\b", "изображения"),
    (r"\bfeeds?\b|\brss\b|\batom\b", "ленты новостей"),
    (r"\bhtml\b|\bcss\b|\btemplates?\b|\bsite\b", "страницы сайта"),
    (r"\bupload\w*|\bdownload\w*", "загрузка файлов"),
    (r"\bexport\w*", "экспорт данных"),
    (r"\bimport(?:er|ing)\b", "импорт данных"),
    (r"\bsessions?\b|\btranscripts?\b", "транскрипты сессий"),
    (r"\bnotes?\b", "заметки"),
    (r"\bgit\b|\bcommits?\b", "работа с git"),
    (r"\bhttp\b|\bapi\b|\bendpoints?\b|\brequests?\b", "работа с API"),
    (r"\bunicode\b|\butf-?(?:8|16)\b|\bencod\w*", "кодировки"),
    (r"\bdates?\b|\btime ?zones?\b|\bschedul\w*|\bcron\b", "расписание"),
    (r"\bprompts?\b|\bllms?\b|\blanguage models?\b", "работа с моделью"),
    (r"\btests?\b|\btesting\b|\bpytest\b|\bfixtures?\b", "тесты"),
    (r"\bdocs?\b|\breadme\b|\bdocument\w*|\bchangelog\b", "документация"),
)
_COMPILED = tuple((re.compile(pattern, re.IGNORECASE), topic) for pattern, topic in GLOSSARY)


def topics(texts: Iterable[str], most: int = 2) -> list[str]:
    """Russian names of what the texts are about, most mentioned first (ties: glossary order)."""
    counts: Counter[str] = Counter()
    order = {topic: index for index, (_, topic) in enumerate(GLOSSARY)}
    for text in texts:
        for pattern, topic in _COMPILED:
            if pattern.search(text.replace("_", " ")):
                counts[topic] += 1
    ranked = sorted(counts, key=lambda topic: (-counts[topic], order[topic]))
    return ranked[:most]


# Numerals that agree with the noun's gender: 1 and 2 change, the rest do not.
_NUMERALS = {"m": ("", "один", "два"), "f": ("", "одна", "две"), "n": ("", "одно", "два")}
_NUMBER_WORDS = ("", "", "", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять", "десять",
                 "одиннадцать", "двенадцать", "тринадцать", "четырнадцать", "пятнадцать", "шестнадцать",
                 "семнадцать", "восемнадцать", "девятнадцать", "двадцать")

# A kind of change counted in Russian: gender, and the phrase after 1, after 2-4, after 5 and more.
KIND_NOUNS: dict[str, tuple[str, str, str, str]] = {
    "fix": ("n", "исправление", "исправления", "исправлений"),
    "feature": ("f", "новая возможность", "новые возможности", "новых возможностей"),
    "perf": ("n", "ускорение", "ускорения", "ускорений"),
    "refactor": ("f", "переделка кода", "переделки кода", "переделок кода"),
    "test": ("n", "изменение в тестах", "изменения в тестах", "изменений в тестах"),
    "docs": ("f", "правка документации", "правки документации", "правок документации"),
    "experiment": ("m", "эксперимент", "эксперимента", "экспериментов"),
    "infra": ("f", "правка окружения", "правки окружения", "правок окружения"),
    "other": ("n", "изменение", "изменения", "изменений"),
}
# Nouns the writer counts elsewhere: gender and the three forms.
NOUNS: dict[str, tuple[str, str, str, str]] = {
    "commit": ("m", "коммит", "коммита", "коммитов"),
    "note": ("f", "заметка", "заметки", "заметок"),
    "sentence": ("n", "предложение", "предложения", "предложений"),
    "remark": ("n", "наблюдение", "наблюдения", "наблюдений"),
    "change": ("n", "изменение", "изменения", "изменений"),
}


def plural_form(n: int, forms: tuple[str, str, str]) -> str:
    """The noun form for `n`: 1 (21, 31...), 2-4 (22-24...), or 5 and more (11-14 included)."""
    if n % 10 == 1 and n % 100 != 11:
        return forms[0]
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return forms[1]
    return forms[2]


def counted(n: int, noun: tuple[str, str, str, str]) -> str:
    """'одно исправление', 'две новые возможности', 'пять изменений' — in words, agreeing.

    Counts are told in words (a digit would be a number the checks compare between languages);
    past twenty the count is 'больше двадцати' with the genitive plural.
    """
    gender, *forms = noun
    if n <= 0:
        return ""
    if n > 20:
        return f"больше двадцати {forms[2]}"
    numeral = _NUMERALS[gender][n] if n <= 2 else _NUMBER_WORDS[n]
    return f"{numeral} {plural_form(n, tuple(forms))}"  # type: ignore[arg-type]


def kind_counts(actions: Iterable[Action]) -> list[tuple[str, int, str]]:
    """(kind, count, Russian phrase) per kind of change, most frequent first; 'other' last."""
    kinds = Counter(action.kind if action.kind in KIND_NOUNS else "other" for action in actions)
    ordered = sorted(kinds, key=lambda kind: (kind == "other", -kinds[kind]))
    return [(kind, kinds[kind], counted(kinds[kind], KIND_NOUNS[kind])) for kind in ordered]


_FENCE = re.compile(r"```.*?(?:```|\Z)", re.DOTALL)
_CODE_SPAN = re.compile(r"`[^`\n]*`")
_URL = re.compile(r"https?://\S+")


def cyrillic_share(markdown: str) -> float:
    """Share of Cyrillic letters among all letters outside code spans, code blocks and URLs."""
    text = _URL.sub(" ", _CODE_SPAN.sub(" ", _FENCE.sub(" ", markdown)))
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 1.0
    return sum("\u0400" <= c <= "\u04ff" for c in letters) / len(letters)
