# Bot Social Publisher in a container: the daily loop (`daemon`) in the foreground.
#   docker build -t social-publisher .
#   docker run -d -v "$PWD/work:/work" -v "$HOME/code:/code:ro" \
#     -e TELEGRAM_BOT_TOKEN social-publisher --config /work/publisher.toml daemon --at 07:30
# Paths in /work/publisher.toml point at the mounted folders (/code/my-project, ...).
FROM python:3.11-slim
RUN apt-get update && apt-get install -y --no-install-recommends git && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install --no-cache-dir '.[anthropic,openai]'
RUN useradd --create-home publisher
USER publisher
WORKDIR /work
ENTRYPOINT ["social-publisher"]
CMD ["--config", "/work/publisher.toml", "daemon"]
