"""The LLM writers: the machinery every backend shares, and the backends beside it.

`LLMWriter.draft_story` builds one prompt for every asked language (`prompt.py`), looks
the answer up in the store's response cache (keyed by the hash of backend, model and
prompt: a re-run costs no call), else reserves one call against today's budget
(`budget.py`) and sends it with retries (`retry.py`), parses the answer strictly
(`parse.py`) and appends the brief's joke. A backend is one small module implementing
`send(prompt) -> Reply`: `claude_cli.py`, `anthropic_api.py`, `openai_api.py`.
"""

from __future__ import annotations

import hashlib
from abc import abstractmethod
from dataclasses import dataclass
from typing import ClassVar, Mapping, Sequence

from social_publisher.enrich import jokes
from social_publisher.enrich.redact import Redactor
from social_publisher.records import Brief
from social_publisher.write import checks
from social_publisher.write.base import Draft, WriteFailed, Writer
from social_publisher.write.llm import budget, series
from social_publisher.write.llm.parse import AnswerError, parse_answer
from social_publisher.write.llm.prompt import Prompt, build_prompt
from social_publisher.write.llm.retry import Retryable, call_with_retries

__all__ = ["LLMWriter", "Reply", "Retryable", "cache_key"]


@dataclass(frozen=True)
class Reply:
    """What a backend got back: the model's text and the tokens it was billed for."""

    text: str
    input_tokens: int = 0
    output_tokens: int = 0


def cache_key(backend: str, model: str, prompt: str) -> str:
    digest = hashlib.sha256()
    for part in (backend, model, prompt):
        digest.update(part.encode("utf-8"))
        digest.update(b"\x1f")
    return digest.hexdigest()


class LLMWriter(Writer):
    """Base of the LLM backends. Subclasses set `name` (and `default_model`), check in
    `__init__` that they can run (else BackendUnavailable with the fix), and implement `send`."""

    uses_llm = True
    reserves_budget = True  # the stage must not count its calls again
    retry_all_languages = False  # a retry asks again only for the language that failed
    default_model: ClassVar[str] = ""
    calls_made = 0  # calls reserved by this writer (failed ones included)

    @property
    def model(self) -> str:
        return self.config.writer.model or self.default_model

    @abstractmethod
    def send(self, prompt: str) -> Reply:
        """Send the prompt once; raise Retryable (429, 5xx, timeout) or WriteFailed (anything else)."""

    def prompt_for(self, brief: Brief, langs: Sequence[str],
                   feedback: Mapping[str, Sequence[str]] | None = None) -> Prompt:
        writer = self.config.writer
        earlier = series.earlier_posts(self.store, brief.facts.get("project", ""), brief.story_id, langs)
        redactor = Redactor.for_config(self.config, self.store)  # the brief is redacted already: a second net
        # The length the checks will ask, from all the sources (a model can retell English sources in
        # Russian): a thin story is not asked for min_words, which would invite padding.
        asked = checks.required_words(brief.facts, writer.min_words)
        return build_prompt(brief, langs, min_words=asked, max_words=writer.max_words,
                            proofread=writer.proofread, feedback=feedback, earlier_posts=earlier,
                            scrub=lambda text: redactor.scrub(text).text)

    def is_cached(self, brief: Brief, langs: Sequence[str]) -> bool:
        """True when the first prompt for this brief already has an answer in the store."""
        prompt = self.prompt_for(brief, langs)
        return self.store is not None and self.store.llm_response(cache_key(self.name, self.model, prompt.text)) is not None

    def draft_story(self, brief: Brief, langs: Sequence[str], *, attempt: int = 0,
                    feedback: Mapping[str, Sequence[str]] | None = None) -> dict[str, Draft]:
        if self.store is None:
            raise WriteFailed(f"the {self.name} writer needs the store (for its cache and budget)")
        prompt = self.prompt_for(brief, langs, feedback)
        key = cache_key(self.name, self.model, prompt.text)
        cached = self.store.llm_response(key)
        if cached is not None:
            text, calls = cached["text"], 0
        else:
            reservation = budget.reserve(self.store, self.config, story_id=brief.story_id, backend=self.name,
                                         prompt_key=key)
            self.calls_made += 1
            try:
                reply = call_with_retries(lambda: self.send(prompt.text), self.config.writer.retries)
            except WriteFailed as exc:
                self.store.finish_llm_call(reservation, "failed", str(exc))
                raise WriteFailed(f"{self.name}: {exc}") from None
            self.store.finish_llm_call(reservation, "ok")
            text, calls = reply.text, 1
        try:
            versions = parse_answer(text, prompt.langs)
        except AnswerError as exc:
            raise WriteFailed(f"{self.name}: the answer breaks the response contract: {exc}") from None
        if cached is None:  # only well-formed answers are kept: a garbled one is asked again next run
            self.store.save_llm_response(key, backend=self.name, model=self.model, text=text,
                                         input_tokens=reply.input_tokens, output_tokens=reply.output_tokens)
        joke = jokes.get(brief.joke_id)
        drafts = {}
        for index, lang in enumerate(prompt.langs):
            title, body = versions[lang]
            if joke:
                body = f"{body}\n\n{joke.text(lang)} 😄"
            drafts[lang] = Draft(title=title, body_md=body, llm_calls=calls if index == 0 else 0)
        return drafts


def _register_backends() -> None:
    from social_publisher.write.llm import anthropic_api, claude_cli, openai_api  # noqa: F401  (register themselves)


_register_backends()
