"""The offline writer's bilingual phrasebook: every sentence frame it may use, in English and Russian.

Each key holds a few variants; the writer picks one by a hash of the story, so
posts differ from each other but a given story always reads the same. Frames
take only values from the brief (already formatted: bold, code, quotes), and
every post is first person. A frame of six words or more always holds something of its
own story ({what}, {err}, {files}): sentences that read the same in every post are filler. Keys with a `:kind` suffix are chosen by the
story's kind (fix, perf, feature, refactor, test, docs, experiment, infra, other).
"""

from __future__ import annotations

EN: dict[str, list[str]] = {
    # -- opening: the kind of work and what it was about, in the sources' words ({what}: the headline)
    "open:fix": ["I fixed a bug in {P}: {what}.", "A fix I made in {P}: {what}."],
    "open:perf": ["I made {P} faster: {what}.", "My speed work in {P}: {what}."],
    "open:feature": ["I added something new to {P}: {what}.", "My latest addition to {P}: {what}."],
    "open:refactor": ["I reshaped code in {P}: {what}.", "My clean-up in {P}: {what}."],
    "open:test": ["I worked on the tests of {P}: {what}.", "My test work in {P}: {what}."],
    "open:docs": ["I documented {P}: {what}.", "My documentation work on {P}: {what}."],
    "open:experiment": ["I ran an experiment in {P}: {what}.", "My experiment in {P}: {what}."],
    "open:infra": ["I worked on the setup of {P}: {what}.", "My setup work for {P}: {what}."],
    "open:learning": ["I learned my way around {P}: {what}."],
    "open:other": ["My work on {P}: {what}.", "What I did in {P}: {what}."],
    "open_done": ["In {P} I {done}.", "This time in {P} I {done}."],
    "open_bare:fix": ["I fixed a bug in {P}."],
    "open_bare:perf": ["I made {P} faster."],
    "open_bare:feature": ["I added to {P}."],
    "open_bare:refactor": ["I cleaned up {P}."],
    "open_bare:test": ["I tested {P}."],
    "open_bare:docs": ["I documented {P}."],
    "open_bare:experiment": ["My experiment in {P}."],
    "open_bare:infra": ["I set up {P}."],
    "open_bare:learning": ["I studied {P}."],
    "open_bare:other": ["My notes on {P}."],
    "goal": ["What I wanted: {q}", "The goal, in my words: {q}"],
    "error": ["The error: {err}.", "It failed with {err}."],
    # -- what changed
    "head_work:fix": ["## How I fixed it", "## What I changed"],
    "head_work:perf": ["## What I changed", "## How I sped it up"],
    "head_work:feature": ["## What I added", "## What's new"],
    "head_work:docs": ["## What I documented", "## What I wrote down"],
    "head_work:refactor": ["## What I reworked", "## What I changed"],
    "head_work:test": ["## What I tested", "## The tests"],
    "head_work:infra": ["## What I set up", "## What I changed"],
    "head_work:experiment": ["## What I tried", "## What I did"],
    "head_work:other": ["## What I changed", "## What I did"],
    "commit_notes": ["From the commit messages:", "The commit messages explain:"],
    "commit_steps": ["Along the way:", "Step by step:"],
    "fail_then_pass": ["The first {cmd} run failed with {err}; the last one passed.",
                       "{cmd} failed first ({err}), then passed."],
    "files": ["The files I changed most: {files}.", "Most of my changes are in {files}."],
    "tool": ["I worked with {tool}.", "{tool} helped me."],
    # -- numbers, notes, lessons, next
    "head_numbers": ["## The numbers", "## Numbers"],
    "head_numbers_pairs": ["## Result", "## Before and after"],
    "head_notes": ["## From my notes", "## Notes"],
    "head_lessons": ["## What I learned", "## The lesson"],
    "head_next": ["## Next", "## Next steps"],
    # -- titles
    "title_kind:fix": ["Tracking Down a Stubborn Bug", "How I Found and Fixed a Bug", "What Broke and How I Fixed It"],
    "title_kind:perf": ["Finding Where the Time Went", "How I Made It Faster, Step by Step"],
    "title_kind:feature": ["Building the Next Piece", "How I Built a New Feature"],
    "title_kind:refactor": ["Cleaning Up the Code", "What I Rebuilt and Why It Was Worth It"],
    "title_kind:test": ["Making the Tests Count", "What My Tests Caught This Time"],
    "title_kind:docs": ["Writing It All Down", "Documenting What I Would Otherwise Forget"],
    "title_kind:experiment": ["What the Experiment Showed Me", "An Experiment and What I Learned From It"],
    "title_kind:infra": ["Getting the Setup Right", "How I Set Up the Infrastructure"],
    "title_kind:learning": ["Digging Into How It Really Works", "What I Learned While Digging In"],
    "title_kind:other": ["What I Changed and Why", "Notes From a Day of Work"],
}

RU: dict[str, list[str]] = {
    # -- opening: the kind of work; the topics follow as their own sentence
    "open:fix": ["В {P} я исправлял ошибку.", "В {P} я чинил ошибку."],
    "open:perf": ["В {P} я ускорял код.", "В {P} я занимался скоростью."],
    "open:feature": ["В {P} я добавлял новое.", "Я добавил новое в {P}."],
    "open:refactor": ["В {P} я переделывал код.", "В {P} я наводил порядок."],
    "open:test": ["В {P} я занимался тестами.", "В {P} я писал тесты."],
    "open:docs": ["В {P} я писал документацию."],
    "open:experiment": ["В {P} я ставил эксперимент.", "В {P} я проверял гипотезу."],
    "open:infra": ["В {P} я настраивал окружение.", "В {P} я занимался инфраструктурой."],
    "open:learning": ["Я изучал устройство {P}."],
    "open:other": ["Я работал над {P}.", "Мои заметки о {P}."],
    # -- the same with the topics in one sentence ({t}: Russian topics, nominative)
    "open_topic:fix": ["В {P} я исправлял ошибку: {t}.", "В {P} я чинил ошибку, тема — {t}."],
    "open_topic:perf": ["В {P} я ускорял код: {t}.", "В {P} я занимался скоростью, тема — {t}."],
    "open_topic:feature": ["В {P} я добавлял новое: {t}.", "Я добавил новое в {P}: {t}."],
    "open_topic:refactor": ["В {P} я переделывал код: {t}.", "В {P} я наводил порядок, тема — {t}."],
    "open_topic:test": ["В {P} я занимался тестами: {t}.", "В {P} я писал тесты: {t}."],
    "open_topic:docs": ["В {P} я писал документацию: {t}.", "Я дописывал документацию {P}: {t}."],
    "open_topic:experiment": ["В {P} я ставил эксперимент: {t}.", "В {P} я проверял гипотезу: {t}."],
    "open_topic:infra": ["В {P} я настраивал окружение: {t}.", "В {P} я занимался инфраструктурой: {t}."],
    "open_topic:learning": ["Я изучал устройство {P}: {t}."],
    "open_topic:other": ["Я работал над {P}: {t}.", "Мои заметки о {P}: {t}."],
    "goal": ["Задача была такой: {q}", "Хотел я вот чего: {q}"],
    "error": ["Ошибка: {err}.", "Код падал с {err}."],
    "head_work:fix": ["## Как я исправил", "## Что я изменил"],
    "head_work:perf": ["## Что я изменил", "## Как я ускорил"],
    "head_work:feature": ["## Что я добавил", "## Что нового"],
    "head_work:docs": ["## Что я описал", "## Что я записал"],
    "head_work:refactor": ["## Что я переделал", "## Что я изменил"],
    "head_work:test": ["## Что я проверил", "## Тесты"],
    "head_work:infra": ["## Что я настроил", "## Что я изменил"],
    "head_work:experiment": ["## Что я пробовал", "## Что я сделал"],
    "head_work:other": ["## Что я изменил", "## Что я сделал"],
    "commit_notes": ["Из описаний коммитов:"],
    "commit_steps": ["По шагам:"],
    "fail_then_pass": ["Первый запуск {cmd} упал с {err}, последний прошёл.",
                       "{cmd} сначала падал ({err}), потом прошёл."],
    "files": ["Больше всего я менял {files}.", "Мои главные правки — в {files}."],
    "tool": ["Работал я с {tool}.", "Мне помогал {tool}."],
    "head_numbers": ["## Цифры"],
    "head_numbers_pairs": ["## Результат", "## До и после"],
    "head_notes": ["## Из заметок", "## Заметки"],
    "head_lessons": ["## Что я понял", "## Вывод"],
    "head_next": ["## Дальше", "## Что дальше"],
    # -- titles: {T} is the topic in the nominative, {P} the project (write/offline/titles.py adds more shapes)
    "title_topic:fix": ["{T}: как я нашёл ошибку в {P}"],
    "title_topic:perf": ["{T}: где {P} терял время"],
    "title_topic:feature": ["{T}: что появилось в {P}"],
    "title_topic:refactor": ["{T}: как я навёл порядок в {P}"],
    "title_topic:test": ["{T}: как я проверял {P}"],
    "title_topic:docs": ["{T}: что я описал в документации {P}"],
    "title_topic:experiment": ["{T}: что показал эксперимент в {P}"],
    "title_topic:infra": ["{T}: что я настроил для {P}"],
    "title_topic:learning": ["{T}: в чём я разобрался в {P}"],
    "title_topic:other": ["{T}: что изменилось в {P}"],
    # -- what was done to a topic, after "{T} в {P}: "
    "title_done:fix": ["что я исправил", "что было не так"],
    "title_done:perf": ["как я ускорял", "что стало быстрее"],
    "title_done:feature": ["что я добавил", "что нового"],
    "title_done:refactor": ["что я переделал", "порядок в коде"],
    "title_done:test": ["что проверяют тесты", "новые тесты"],
    "title_done:docs": ["что я описал", "новая документация"],
    "title_done:experiment": ["что показал эксперимент", "итоги эксперимента"],
    "title_done:infra": ["что я настроил", "настройка окружения"],
    "title_done:learning": ["в чём я разобрался"],
    "title_done:other": ["что я сделал", "что изменилось"],
    "title_kind:fix": ["Как я нашёл и исправил ошибку в {P}", "Охота на баг в {P}: что сломалось и почему"],
    "title_kind:perf": ["Как я искал, куда уходит время в {P}", "Как я ускорял {P} и что из этого вышло"],
    "title_kind:feature": ["Новая возможность в {P}: как я её делал", "Как я строил новую часть {P}"],
    "title_kind:refactor": ["Как я навёл порядок в коде {P}", "Рефакторинг {P}: что я переделал и зачем"],
    "title_kind:test": ["Тесты в {P}: что я проверил и что нашёл", "Как я проверял {P} тестами"],
    "title_kind:docs": ["Как я привёл в порядок документацию {P}", "Документация {P}: что я записал и зачем"],
    "title_kind:experiment": ["Что показал мне эксперимент в {P}", "Эксперимент в {P}: что я проверял и что узнал"],
    "title_kind:infra": ["Как я настраивал окружение для {P}", "Инфраструктура {P}: что я настроил и зачем"],
    "title_kind:learning": ["Как я разбирался, как устроен {P}", "Что я узнал, пока разбирался с {P}"],
    "title_kind:other": ["Что я изменил в {P} и зачем", "Рабочие заметки: что нового в {P}"],
}

PHRASES = {"en": EN, "ru": RU}

# Metric words found beside a number -> (English label, Russian label, kind of value it names).
# Kinds: "count" (a bare integer: "7 tests"), "time" (a value with a time unit), "ratio" (a percentage or
# a fraction), "size" (bytes), "any". Russian count labels are genitive plural ("тестов: 42"), the
# natural form for a count in a list.
METRICS: dict[str, tuple[str, str, str]] = {
    "accuracy": ("accuracy", "точность", "ratio"), "precision": ("precision", "точность", "ratio"),
    "recall": ("recall", "полнота", "ratio"), "coverage": ("coverage", "покрытие", "ratio"),
    "rate": ("rate", "доля", "ratio"), "ratio": ("ratio", "отношение", "ratio"), "gap": ("gap", "разрыв", "any"),
    "loss": ("loss", "потери", "any"), "perplexity": ("perplexity", "перплексия", "any"),
    "ppl": ("perplexity", "перплексия", "any"), "score": ("score", "оценка", "any"),
    "latency": ("latency", "задержка", "time"), "runtime": ("run time", "время работы", "time"),
    "duration": ("duration", "длительность", "time"), "time": ("time", "время", "time"),
    "took": ("time", "время", "time"), "login": ("login time", "время входа", "time"),
    "throughput": ("throughput", "пропускная способность", "any"), "speed": ("speed", "скорость", "any"),
    "faster": ("speed-up", "ускорение", "any"), "slower": ("slow-down", "замедление", "any"),
    "speedup": ("speed-up", "ускорение", "any"),
    "memory": ("memory", "память", "size"), "ram": ("memory", "память", "size"), "size": ("size", "размер", "size"),
    "cost": ("cost", "стоимость", "any"),
    "tests": ("tests", "тестов", "count"), "test": ("tests", "тестов", "count"),
    "errors": ("errors", "ошибок", "count"), "failures": ("failures", "сбоев", "count"),
    "requests": ("requests", "запросов", "count"), "calls": ("calls", "вызовов", "count"),
    "queries": ("queries", "запросов", "count"), "steps": ("steps", "шагов", "count"),
    "epochs": ("epochs", "эпох", "count"), "files": ("files", "файлов", "count"), "lines": ("lines", "строк", "count"),
    "rows": ("rows", "строк", "count"), "records": ("records", "записей", "count"),
    "items": ("items", "элементов", "count"), "users": ("users", "пользователей", "count"),
    "commits": ("commits", "коммитов", "count"), "warnings": ("warnings", "предупреждений", "count"),
    "questions": ("questions", "вопросов", "count"), "subscribers": ("subscribers", "подписчиков", "count"),
    "messages": ("messages", "сообщений", "count"), "connections": ("connections", "соединений", "count"),
    "retries": ("retries", "повторов", "count"), "samples": ("samples", "примеров", "count"),
    "examples": ("examples", "примеров", "count"), "pages": ("pages", "страниц", "count"),
    "posts": ("posts", "постов", "count"), "documents": ("documents", "документов", "count"),
    "characters": ("characters", "символов", "count"), "chars": ("characters", "символов", "count"),
    "units": ("units", "единиц", "count"), "emoji": ("emoji", "эмодзи", "count"), "parts": ("parts", "частей", "count"),
    "sessions": ("sessions", "сессий", "count"), "prompts": ("prompts", "запросов", "count"),
    "solutions": ("solutions", "решений", "count"), "temperature": ("temperature", "температура", "any"),
    "p50": ("p50 latency", "задержка p50", "time"), "p95": ("p95 latency", "задержка p95", "time"),
    "p99": ("p99 latency", "задержка p99", "time"),
    "captions": ("captions", "подписей", "count"), "photos": ("photos", "фотографий", "count"),
    "images": ("images", "изображений", "count"), "thumbnails": ("thumbnails", "миниатюр", "count"),
    "albums": ("albums", "альбомов", "count"), "results": ("results", "результатов", "count"),
    "customers": ("customers", "клиентов", "count"), "orders": ("orders", "заказов", "count"),
    "invoices": ("invoices", "счетов", "count"), "products": ("products", "товаров", "count"),
    "entries": ("entries", "записей", "count"), "events": ("events", "событий", "count"),
    "jobs": ("jobs", "задач", "count"), "tasks": ("tasks", "задач", "count"), "threads": ("threads", "потоков", "count"),
    "workers": ("workers", "обработчиков", "count"), "nodes": ("nodes", "узлов", "count"),
    "servers": ("servers", "серверов", "count"), "containers": ("containers", "контейнеров", "count"),
    "packages": ("packages", "пакетов", "count"), "dependencies": ("dependencies", "зависимостей", "count"),
    "modules": ("modules", "модулей", "count"), "functions": ("functions", "функций", "count"),
    "classes": ("classes", "классов", "count"), "endpoints": ("endpoints", "конечных точек", "count"),
    "routes": ("routes", "маршрутов", "count"), "tokens": ("tokens", "токенов", "count"),
    "words": ("words", "слов", "count"), "bytes": ("bytes", "байт", "count"), "chunks": ("chunks", "фрагментов", "count"),
    "batches": ("batches", "пакетов", "count"), "runs": ("runs", "запусков", "count"),
    "iterations": ("iterations", "итераций", "count"), "parameters": ("parameters", "параметров", "count"),
    "layers": ("layers", "слоёв", "count"), "experts": ("experts", "экспертов", "count"),
    "models": ("models", "моделей", "count"), "projects": ("projects", "проектов", "count"),
    "repositories": ("repositories", "репозиториев", "count"), "branches": ("branches", "веток", "count"),
    "bugs": ("bugs", "багов", "count"), "crashes": ("crashes", "падений", "count"),
    "attempts": ("attempts", "попыток", "count"), "notes": ("notes", "заметок", "count"),
    "turns": ("turns", "ходов", "count"), "languages": ("languages", "языков", "count"),
    "stories": ("stories", "историй", "count"), "transcripts": ("transcripts", "транскриптов", "count"),
    "точность": ("accuracy", "точность", "ratio"), "задержка": ("latency", "задержка", "time"),
    "время": ("time", "время", "time"), "тестов": ("tests", "тестов", "count"), "ошибок": ("errors", "ошибок", "count"),
    "запросов": ("requests", "запросов", "count"), "сообщений": ("messages", "сообщений", "count"),
    "страниц": ("pages", "страниц", "count"), "файлов": ("files", "файлов", "count"), "строк": ("lines", "строк", "count"),
    "коммитов": ("commits", "коммитов", "count"), "пользователей": ("users", "пользователей", "count"),
    "подписчиков": ("subscribers", "подписчиков", "count"), "записей": ("records", "записей", "count"),
    "вопросов": ("questions", "вопросов", "count"), "символов": ("characters", "символов", "count"),
    "задержку": ("latency", "задержка", "time"), "память": ("memory", "память", "size"),
}

# Metric words that count things: a bare integer is told only when one of these follows it ("7 tests").
COUNTED = {word for word, (_, _, kind) in METRICS.items() if kind == "count"}
TIME_UNITS = {"ms", "s", "sec", "seconds", "min", "minutes", "h", "hours", "мс", "с", "сек", "мин", "ч"}
SIZE_UNITS = {"KB", "MB", "GB", "TB", "КБ", "МБ", "ГБ", "ТБ"}

# Units as the Russian post writes them; the number itself is never changed.
# Russian units as the English post writes them (the facts keep units as the sources wrote them).
EN_UNITS = {"мс": "ms", "сек": "s", "с": "s", "мин": "min", "ч": "h", "КБ": "KB", "МБ": "MB", "ГБ": "GB", "ТБ": "TB",
            "п.п.": "pp", "раз": "x", "раза": "x"}
RU_UNITS = {"ms": "мс", "s": "с", "sec": "с", "seconds": "секунд", "min": "мин", "minutes": "минут", "h": "ч",
            "hours": "часов", "KB": "КБ", "MB": "МБ", "GB": "ГБ", "TB": "ТБ", "MB/s": "МБ/с", "GB/s": "ГБ/с",
            "k": "тыс.", "M": "млн", "pp": "п. п.", "points": "пунктов", "point": "пункт"}

# Units written as words: the Russian form agrees with the number (1, 2-4, 5+; a fraction takes the second).
RU_WORD_UNITS = {"points": ("пункт", "пункта", "пунктов"), "point": ("пункт", "пункта", "пунктов"),
                 "pp": ("пункт", "пункта", "пунктов"), "seconds": ("секунда", "секунды", "секунд"),
                 "minutes": ("минута", "минуты", "минут"), "hours": ("час", "часа", "часов")}

KIND_OF_CATEGORY = (
    ("fix", ("fix", "bug")), ("perf", ("perf", "optim", "speed")), ("refactor", ("refactor", "cleanup")),
    ("test", ("test",)), ("docs", ("doc",)), ("learning", ("learning", "til")),
    ("experiment", ("research", "experiment", "ml")),
    ("infra", ("infra", "deploy", "devops", "ops", "config", "ci")), ("feature", ("feat", "feature")),
)

