"""The `anthropic` backend: the Messages API through the official SDK (optional extra, imported lazily).

`[writer] model` (default DEFAULT_MODEL), key from ANTHROPIC_API_KEY, `[writer] base_url` honoured
(tests point it at a loopback server). The SDK's own retries are off: `retry.py` does them once
for every backend.
"""

from __future__ import annotations

import os

from social_publisher.config import Config
from social_publisher.errors import BackendUnavailable
from social_publisher.write.base import register
from social_publisher.write.llm import LLMWriter, Reply
from social_publisher.write.llm.retry import sdk_failure

DEFAULT_MODEL = "claude-sonnet-4-5"
MAX_TOKENS = 4096


@register
class AnthropicWriter(LLMWriter):
    name = "anthropic"
    default_model = DEFAULT_MODEL

    def __init__(self, config: Config, store=None):
        super().__init__(config, store)
        try:
            import anthropic
        except ImportError:
            raise BackendUnavailable("writer backend anthropic needs its SDK: "
                                     "pip install 'social-publisher[anthropic]'") from None
        if not os.environ.get("ANTHROPIC_API_KEY"):
            raise BackendUnavailable("writer backend anthropic needs a key: export ANTHROPIC_API_KEY=...")
        self.sdk = anthropic
        self.client = anthropic.Anthropic(base_url=config.writer.base_url or None, max_retries=0,
                                          timeout=config.writer.timeout_s)

    def send(self, prompt: str) -> Reply:
        try:
            message = self.client.messages.create(model=self.model, max_tokens=MAX_TOKENS,
                                                  messages=[{"role": "user", "content": prompt}])
        except self.sdk.AnthropicError as exc:
            raise sdk_failure(self.sdk, exc, self.config.writer.timeout_s, "the Anthropic API") from None
        text = "".join(getattr(block, "text", "") for block in message.content if getattr(block, "type", "") == "text")
        usage = message.usage
        return Reply(text=text, input_tokens=getattr(usage, "input_tokens", 0) or 0,
                     output_tokens=getattr(usage, "output_tokens", 0) or 0)
