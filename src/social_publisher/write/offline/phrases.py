"""The offline writer's bilingual phrasebook: every sentence frame it may use, in English and Russian.

Each key holds a few variants; the writer picks one by a hash of the story, so
posts differ from each other but a given story always reads the same. Frames
take only values from the brief (already formatted: bold, code, quotes), and
every frame is first person. Keys with a `:kind` suffix are chosen by the
story's kind (fix, perf, feature, refactor, test, docs, experiment, infra, other).
"""

from __future__ import annotations

EN: dict[str, list[str]] = {
    # -- opening: drop the reader into the problem
    "open:error": [
        "It started with an error in {P} that refused to go away: {err}.",
        "The work on {P} began with this line in my terminal: {err}.",
        "Nothing derails a plan like an error, and {P} greeted me with this one: {err}.",
    ],
    "open:failed_command": [
        "The first run of {cmd} in {P} came back red, and that is where this story starts.",
        "In {P}, {cmd} failed, and I could not move on until it passed.",
    ],
    "open:fix": [
        "Something in {P} was broken, and I had to {inf}.",
        "This one is a repair job in {P}: I needed to {inf}.",
    ],
    "open:fix_quoted": [
        "Something in {P} was broken; the fix I ended up committing is called {q}.",
    ],
    "open:note": [
        "My notes on {P} open with a complaint: {q}",
        "I wrote this down while working on {P}: {q}",
    ],
    "open:goal": [
        "I sat down with one goal for {P}: {q}",
        "The plan for {P} was simple, at least in my head: {q}",
        "Here is what I wanted from {P}: {q}",
    ],
    "open:pair": [
        "This story about {P} is about one number that moved: {before} → {after}.",
        "In {P}, one number changed under my hands: {before} → {after}.",
    ],
    "open:headline": [
        "{P} needed one thing from me: I had to {inf}.",
        "This one is about {P} and a single task: I set out to {inf}.",
    ],
    "open:plain": [
        "Here is what happened in {P} recently, told the way I lived it.",
        "I spent a stretch of time on {P}, and this is what came out of it.",
    ],
    "goal_after_problem": [
        "What I wanted was simple: {q}",
        "My own words when I started: {q}",
    ],
    # -- what I did
    "head_work:fix": ["## How I fixed it", "## Tracking it down", "## The fix"],
    "head_work:perf": ["## Making it faster", "## Chasing the slow part"],
    "head_work:other": ["## What I did", "## The work", "## Getting it done"],
    "steps": [
        "First I|Then I|After that I|Next I|I also|Finally, I",
        "To begin with, I|Next I|Then I|On top of that I|I also|In the end I",
    ],
    "single": ["I {a}.", "What I did was simple to say: I {a}."],
    "quoted_one": ["One more change went in as {q}.", "I also committed {q}."],
    "quoted_first_one": ["The change went in as {q}.", "I committed it as {q}."],
    "quoted_first_many": ["The changes went in as {qs}.", "I committed the work as {qs}."],
    "quoted_many": ["The rest went in as {qs}.", "Other changes went in as {qs}."],
    "went_in": ["What went in, commit by commit:", "Here is what went in, in the words of my commits:"],
    "went_in_more": ["The rest went in commit by commit:", "What else went in, in the words of my commits:"],
    "areas": ["By folder, the changes cluster in {areas}.", "The work spread over {areas}."],
    "files": [
        "The changes landed in {files}{more}.",
        "Most of the work happened in {files}{more}.",
        "The files I touched: {files}{more}.",
    ],
    "files_more": [", plus a few others"],
    "stats": [
        "All told: {commits}, {files_changed} changed{lines}.",
        "In numbers, that came to {commits} across {files_changed}{lines}.",
    ],
    "stats_lines": [", with {added} lines added and {removed} removed"],
    "stats_added": [", with {added} lines added"],
    "notes_lead": ["From my notes:", "What I wrote down along the way:"],
    "commit_notes_lead": ["In the commit message I put it this way:", "The commit message explains why:"],
    "session": [
        "Much of it happened in {sessions} with {tool}, over {prompts}.",
        "I worked through it with {tool}: {sessions}, {prompts}.",
    ],
    "fail_then_pass": [
        "{cmd} failed at first; by the end it passed.",
        "The first {cmd} run failed, the last one passed.",
    ],
    "failed_only": ["{cmd} failed along the way."],
    "commands": ["Along the way I ran {cmds}.", "To check my work I ran {cmds}."],
    # -- numbers
    "head_numbers": ["## The numbers", "## What the numbers said"],
    "head_numbers_pairs": ["## Before and after", "## The numbers", "## What the numbers said"],
    "numbers_intro": ["Here is what I measured:", "The measurements, as they came out:", "What the numbers looked like:"],
    # -- lessons
    "head_lessons": ["## What I learned", "## The lesson", "## What I took away"],
    "lesson_lead": [
        "The main thing I learned:",
        "Looking back, this is what stuck with me:",
        "If I keep one line from all this, it is this one:",
    ],
    "lesson_more": ["And one more:", "Another thing I noted:"],
    "reflection:fix": ["What I take from it: I reproduce the failure first and fix it second, because the error text alone rarely tells the whole story."],
    "reflection:perf": ["What I take from it: I measure before and after, or the speed-up is only a feeling."],
    "reflection:refactor": ["What I take from it: small, well-named pieces are easier for me to change than one clever block."],
    "reflection:feature": ["What I take from it: for me a feature is done when its tests are, not when the code first runs."],
    "reflection:test": ["What I take from it: a test I trust is worth more to me than three I have to rerun."],
    "reflection:docs": ["What I take from it: when I write things down, I find the gaps I did not know I had."],
    "reflection:experiment": ["What I take from it: a result means little to me until I understand why it happened."],
    "reflection:infra": ["What I take from it: the setup I can rebuild from scratch is the only one I really trust."],
    "reflection:learning": ["What I take from it: when I understand why something works, I stop guessing the next time it breaks."],
    "reflection:other": ["What I take from it: writing down what I did is my fastest way to see what I missed."],
    "next": ["Next on my list: {q}", "What comes next for me: {q}"],
    "head_next": ["## Next steps", "## Where this goes next"],
    "topic_share": ["{k} of the {n} changes are about {topic}.", "Of the {n} changes, {k} are about {topic}."],
    "reflection_more": ["And a rule I keep relearning: {r}", "One more thing I remind myself of: {r}"],
    "main_pair": ["The change I care about most: {label}, from {before} to {after}.",
                  "If I had to keep one number from all this, it would be {label}: {before} → {after}."],
    "main_pair_plain": ["The change I care about most goes from {before} to {after}."],
    "tests_too": ["The tests changed along with the code: {files}.", "I touched the tests too: {files}."],
    "docs_too": ["The documentation got its share as well: {files}.", "I updated the docs too: {files}."],
    "no_joke": ["That's all from {P} for now; I suspect the next bug is already on its way 😄"],
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
    "open:error": [
        "Всё началось с ошибки в {P}, которая никак не хотела уходить: {err}.",
        "Работа над {P} началась с такой строки в терминале: {err}.",
        "Ничто так не ломает планы, как ошибка, и {P} встретил меня вот такой: {err}.",
    ],
    "open:failed_command": [
        "Первый же запуск {cmd} в {P} закончился ошибкой — с этого всё и началось.",
        "В {P} упал {cmd}, и двигаться дальше было нельзя, пока он не пройдёт.",
    ],
    "open:fix": [
        "В {P} кое-что сломалось, и мне нужно было {inf}.",
        "Это история о ремонте в {P}: мне нужно было {inf}.",
    ],
    "open:fix_quoted": [
        "В {P} кое-что сломалось; исправление, которое я в итоге закоммитил, называется {q}.",
    ],
    "open:note": [
        "Мои заметки о {P} начинаются с жалобы: {q}",
        "Вот что я записал себе, пока работал над {P}: {q}",
    ],
    "open:goal": [
        "Я сел за {P} с одной целью: {q}",
        "План для {P} был простым, по крайней мере в моей голове: {q}",
        "Вот чего я хотел от {P}: {q}",
    ],
    "open:pair": [
        "Эта история про {P} и одно число, которое сдвинулось: {before} → {after}.",
        "В {P} у меня на глазах изменилось одно число: {before} → {after}.",
    ],
    "open:headline": [
        "В {P} от меня требовалось одно: мне нужно было {inf}.",
        "Эта история про {P} и одну задачу: я взялся {inf}.",
    ],
    "open:plain": [
        "Вот что недавно происходило в {P} — так, как я это прожил.",
        "Я провёл какое-то время над {P}, и вот что из этого вышло.",
    ],
    "goal_after_problem": [
        "Хотел я простого: {q}",
        "Задачу я сформулировал себе так: {q}",
    ],
    "head_work:fix": ["## Как я это исправил", "## Поиск причины", "## Исправление"],
    "head_work:perf": ["## Как я это ускорил", "## В погоне за медленным местом"],
    "head_work:other": ["## Что я сделал", "## Как шла работа", "## По шагам"],
    "steps": [
        "Сначала я|Потом я|После этого я|Дальше я|Ещё я|В конце я",
        "Для начала я|Затем я|Потом я|Кроме того, я|Ещё я|Наконец, я",
    ],
    "single": ["Я {a}.", "Если коротко, я {a}."],
    "quoted_one": ["Ещё одно изменение вошло под названием {q}.", "Ещё я закоммитил {q}."],
    "quoted_first_one": ["Изменение вошло под названием {q}.", "Я закоммитил его как {q}."],
    "quoted_first_many": ["Изменения вошли под названиями {qs}.", "Работу я закоммитил как {qs}."],
    "quoted_many": ["Остальное вошло в изменения {qs}.", "Другие изменения получили названия {qs}."],
    "went_in": ["Вот что вошло в работу — так, как я назвал свои коммиты:",
                "По коммитам работа выглядит так (названия — как я их записал):"],
    "went_in_more": ["Остальное вошло отдельными коммитами — так, как я их назвал:",
                     "Что ещё вошло — по названиям моих коммитов:"],
    "areas": ["По папкам изменения собрались в {areas}.", "По папкам работа разошлась так: {areas}."],
    "files": [
        "Изменения пришлись на {files}{more}.",
        "Основная работа шла в {files}{more}.",
        "Файлы, которые я менял: {files}{more}.",
    ],
    "files_more": [" и ещё несколько"],
    "stats": [
        "В сумме: {commits}, {files_changed}{lines}.",
        "В цифрах это {commits} и {files_changed}{lines}.",
    ],
    "stats_lines": ["; строк добавлено — {added}, удалено — {removed}"],
    "stats_added": ["; строк добавлено — {added}"],
    "notes_lead": ["Из моих заметок:", "Вот что я записывал по ходу:"],
    "commit_notes_lead": ["В сообщении коммита я объяснил это так:", "Почему так — я записал в коммите:"],
    "session": [
        "Большая часть работы прошла {sessions} с {tool}, за {prompts}.",
        "Я разбирался с этим вместе с {tool}: {sessions}, за {prompts}.",
    ],
    "fail_then_pass": [
        "{cmd} сначала падал, а к концу прошёл.",
        "Первый запуск {cmd} упал, последний — прошёл.",
    ],
    "failed_only": ["По ходу работы {cmd} упал."],
    "commands": ["По ходу я запускал {cmds}.", "Чтобы проверить себя, я запускал {cmds}."],
    "head_numbers": ["## Цифры", "## Что показали цифры"],
    "head_numbers_pairs": ["## До и после", "## Цифры", "## Что показали цифры"],
    "numbers_intro": ["Вот что показали замеры:", "Замеры получились такими:", "Цифры у меня вышли такие:"],
    "head_lessons": ["## Что я понял", "## Чему я научился", "## Мой вывод"],
    "lesson_lead": [
        "Главное, что я вынес:",
        "Оглядываясь назад, я запомнил вот это:",
        "Если оставить себе одну мысль, то эту:",
    ],
    "lesson_more": ["И ещё одно:", "Ещё я отметил для себя:"],
    "reflection:fix": ["Мой вывод: сначала я воспроизвожу сбой и только потом чиню, потому что текст ошибки редко рассказывает всю историю."],
    "reflection:perf": ["Мой вывод: я замеряю до и после, иначе ускорение — это только ощущение."],
    "reflection:refactor": ["Мой вывод: маленькие части с понятными именами мне менять проще, чем один хитрый блок."],
    "reflection:feature": ["Мой вывод: для меня возможность готова, когда готовы её тесты, а не когда код впервые запустился."],
    "reflection:test": ["Мой вывод: один тест, которому я доверяю, стоит больше трёх, которые приходится перезапускать."],
    "reflection:docs": ["Мой вывод: когда я записываю сделанное, я нахожу пробелы, о которых не подозревал."],
    "reflection:experiment": ["Мой вывод: результат мало что значит для меня, пока я не понимаю его причин."],
    "reflection:infra": ["Мой вывод: я по-настоящему доверяю только той настройке, которую могу повторить с нуля."],
    "reflection:learning": ["Мой вывод: когда я понимаю, почему что-то работает, я перестаю гадать, когда оно в следующий раз сломается."],
    "reflection:other": ["Мой вывод: записать, что я сделал, — самый быстрый для меня способ увидеть, что я упустил."],
    "next": ["Дальше в моих планах: {q}", "Что дальше: {q}"],
    "head_next": ["## Планы", "## Куда дальше"],
    "topic_share": ["{k} из {n} изменений — про {topic}.", "Из {n} изменений {k} — про {topic}."],
    "skipped": ["Остальные {k} я здесь не перечисляю.", "Ещё {k} в этот список не вошли."],
    "own_left_out": ["По ходу работы я записал ещё {k} — в заметках и в сообщениях коммитов, по-английски; "
                     "здесь я привожу из них только выводы.",
                     "В моих заметках и сообщениях коммитов есть ещё {k}; они написаны по-английски, "
                     "и сюда я вынес только главное."],
    "skipped_one": ["Ещё одно изменение я здесь не перечисляю."],
    "reflection_more": ["И правило, которое я усваиваю снова и снова: {r}", "Ещё одно, о чём я себе напоминаю: {r}"],
    "main_pair": ["Главное изменение для меня — {label}: было {before}, стало {after}.",
                  "Если оставить из всего этого одну цифру, то это {label}: {before} → {after}."],
    "main_pair_plain": ["Главное изменение для меня: было {before}, стало {after}."],
    "tests_too": ["Вместе с кодом поменялись и тесты: {files}.", "Тесты я тоже трогал: {files}."],
    "docs_too": ["Документации тоже досталось: {files}.", "Документацию я тоже обновил: {files}."],
    "no_joke": ["На этом с {P} пока всё; подозреваю, что следующий баг уже в пути 😄"],
    "title_kind:fix": ["Как я нашёл и исправил ошибку в {P}", "Охота на баг в {P}: что сломалось и почему",
                       "Почему {P} ломался и как я это починил", "Как я чинил {P} и что при этом понял"],
    "title_kind:perf": ["Как я искал, куда уходит время в {P}", "Как я ускорял {P} и что из этого вышло"],
    "title_kind:feature": ["Как я строил новую часть {P}", "Новая возможность в {P}: как я её делал",
                           "Как я добавлял новое в {P}"],
    "title_kind:refactor": ["Как я навёл порядок в коде {P}", "Рефакторинг {P}: что я переделал и зачем",
                            "Как я переделывал {P} изнутри"],
    "title_kind:test": ["Как я взялся за тесты в {P}", "Тесты в {P}: что я проверил и что нашёл",
                        "Как я проверял {P} тестами"],
    "title_kind:docs": ["Как я привёл в порядок документацию {P}", "Документация {P}: что я записал и зачем",
                        "Как я описывал устройство {P}"],
    "title_kind:experiment": ["Что показал мне эксперимент в {P}", "Эксперимент в {P}: что я проверял и что узнал",
                              "Как я проверял гипотезу в {P}", "Чему меня научил эксперимент в {P}"],
    "title_kind:infra": ["Как я настраивал окружение для {P}", "Инфраструктура {P}: что я настроил и зачем",
                         "Как я собирал инфраструктуру для {P}"],
    "title_kind:learning": ["Как я разбирался, как устроен {P}", "Что я узнал, пока разбирался с {P}"],
    "title_kind:other": ["Что я изменил в {P} и зачем", "Рабочие заметки: что нового в {P}",
                         "Как продвигалась работа над {P}"],
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
    "точность": ("accuracy", "точность", "ratio"), "задержка": ("latency", "задержка", "time"),
    "время": ("time", "время", "time"), "тестов": ("tests", "тестов", "count"), "ошибок": ("errors", "ошибок", "count"),
    "запросов": ("requests", "запросов", "count"), "сообщений": ("messages", "сообщений", "count"),
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

KIND_OF_CATEGORY = (
    ("fix", ("fix", "bug")), ("perf", ("perf", "optim", "speed")), ("refactor", ("refactor", "cleanup")),
    ("test", ("test",)), ("docs", ("doc",)), ("learning", ("learning", "til")),
    ("experiment", ("research", "experiment", "ml")),
    ("infra", ("infra", "deploy", "devops", "ops", "config", "ci")), ("feature", ("feat", "feature")),
)

# Counts told in words (a count of the brief's own items is a fact, but only measured numbers go in digits).
COUNT_WORDS = {
    "en": ("", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"),
    "ru": ("", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять", "десять"),
    "ru_of": ("", "одного", "двух", "трёх", "четырёх", "пяти", "шести", "семи", "восьми", "девяти", "десяти"),
}
# What a list of commit subjects is mostly about: (pattern, English topic, Russian topic after "про").
TOPICS = ((r"\btests?\b|\btesting\b", "tests", "тесты"),
          (r"\bdocs?\b|\breadme\b|\bdocument", "documentation", "документацию"),
          (r"^fix|\bfix(?:es|ed)?\b|\bbugs?\b", "fixes", "исправления"))
