"""The `openai` backend: any OpenAI-compatible `/v1/chat/completions` server through the `openai`
SDK (optional extra, imported lazily): OpenAI itself, Ollama, vLLM, llama.cpp server, LM Studio.

`[writer] base_url` picks the server; the key comes from OPENAI_API_KEY when set (a local server
needs none). JSON output is asked for with `response_format`; a server that refuses that
parameter (HTTP 400 naming it) is asked once more without it.
"""

from __future__ import annotations

import os

from social_publisher.config import Config
from social_publisher.errors import BackendUnavailable
from social_publisher.write.base import WriteFailed, register
from social_publisher.write.llm import LLMWriter, Reply
from social_publisher.write.llm.retry import sdk_failure

LOCAL_KEY = "not-needed"  # the SDK insists on a key; local servers ignore it


@register
class OpenAIWriter(LLMWriter):
    name = "openai"

    def __init__(self, config: Config, store=None):
        super().__init__(config, store)
        try:
            import openai
        except ImportError:
            raise BackendUnavailable("writer backend openai needs its SDK: pip install 'social-publisher[openai]'") from None
        key = os.environ.get("OPENAI_API_KEY")
        if not key and not config.writer.base_url:
            raise BackendUnavailable("writer backend openai needs a key for api.openai.com: export OPENAI_API_KEY=... "
                                     "(or set [writer] base_url to a local server)")
        if not config.writer.model:
            raise BackendUnavailable("writer backend openai needs a model: set [writer] model (e.g. \"llama3.1\")")
        self.sdk = openai
        self.client = openai.OpenAI(base_url=config.writer.base_url or None, api_key=key or LOCAL_KEY, max_retries=0,
                                    timeout=config.writer.timeout_s)
        self.json_mode = True

    def send(self, prompt: str) -> Reply:
        extra = {"response_format": {"type": "json_object"}} if self.json_mode else {}
        try:
            completion = self.client.chat.completions.create(
                model=self.model, messages=[{"role": "user", "content": prompt}], **extra)
        except self.sdk.OpenAIError as exc:
            failure = sdk_failure(self.sdk, exc, self.config.writer.timeout_s, self.config.writer.base_url or "the API")
            if self.json_mode and isinstance(exc, self.sdk.BadRequestError) and "response_format" in str(failure):
                self.json_mode = False  # this server does not know JSON mode: ask again without it
                return self.send(prompt)
            raise failure from None
        if not completion.choices:
            raise WriteFailed("the server answered with no choices")
        text = completion.choices[0].message.content or ""
        usage = completion.usage
        return Reply(text=text, input_tokens=getattr(usage, "prompt_tokens", 0) or 0,
                     output_tokens=getattr(usage, "completion_tokens", 0) or 0)
