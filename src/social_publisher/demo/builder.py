"""Play a demo project's script: make its git history and write its Claude Code transcripts.

Blocks run in order. A session's file and git steps change the real repository at
the step's time, and the same steps are written to the transcript as tool calls
with their results (the commit hash in a `git commit` result is the real one).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from social_publisher.demo.gitrepo import GitRepo
from social_publisher.demo.script import (
    GIT_STEPS, Bash, Chores, Commit, Edit, Merge, Project, Prompt, Read, Say, Session, Switch, Task,
    Think, Write,
)
from social_publisher.demo.timeline import block_start
from social_publisher.demo.transcripts import Transcript, transcript_path

_SESSION_NAMESPACE = uuid.UUID("6f1d4c2e-8a53-4b7e-9c1a-2d9e5b0f7a31")


def session_id(project: str, index: int) -> str:
    return str(uuid.uuid5(_SESSION_NAMESPACE, f"{project}/{index}"))


@dataclass
class BuiltProject:
    repo: Path
    transcripts: list[Path]
    commits: int


class _Player:
    """Runs one project's steps against its repository."""

    def __init__(self, project: Project, repo: GitRepo):
        self.project = project
        self.repo = repo
        self.branch = "main"
        self.commits = 0
        self.cwd = str(repo.path)

    # -- files -----------------------------------------------------------------------------
    def _file(self, relative: str) -> Path:
        return self.repo.path / relative

    def write(self, relative: str, content: str) -> bool:
        """Write a file; return True when it already existed."""
        target = self._file(relative)
        existed = target.exists()
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
        return existed

    def edit(self, relative: str, old: str, new: str) -> str:
        target = self._file(relative)
        text = target.read_text(encoding="utf-8")
        if text.count(old) != 1:
            raise ValueError(f"{self.project.name}/{relative}: edit target found {text.count(old)} times: {old!r}")
        text = text.replace(old, new)
        target.write_text(text, encoding="utf-8")
        return text

    # -- git ---------------------------------------------------------------------------------
    def git(self, step: Commit | Switch | Merge, when: datetime) -> tuple[str, str]:
        """Do a git step at `when`; return (the command a person would type, git's output)."""
        if isinstance(step, Switch):
            self.repo.switch(step.branch, create=step.create)
            self.branch = step.branch
            if step.create:
                return f"git switch -c {step.branch}", f"Switched to a new branch '{step.branch}'"
            return f"git switch {step.branch}", f"Switched to branch '{step.branch}'"
        if isinstance(step, Merge):
            self.repo.merge(step.branch, step.commit_message, when=when)
            self.commits += 1
            command = f'git merge --no-ff {step.branch} -m "{step.commit_message}"'
            return command, f"Merge made by the 'ort' strategy.\n{self.repo.shortstat()}"
        for name, content in step.files.items():
            self.write(name, content)
        for name, old, new in step.edits:
            self.edit(name, old, new)
        root = self.commits == 0
        commit_hash = self.repo.commit(step.message, when=when)
        self.commits += 1
        subject = step.message.splitlines()[0]
        where = f"{self.branch} (root-commit)" if root else self.branch
        command = f"git add -A && git commit -m \"$(cat <<'EOF'\n{step.message}\nEOF\n)\""
        return command, f"[{where} {commit_hash[:7]}] {subject}\n{self.repo.shortstat()}"

    def chores(self, block: Chores, start: datetime) -> None:
        for index, step in enumerate(block.commits):
            self.git(step, start + timedelta(minutes=block.gap_minutes * index))

    # -- sessions ----------------------------------------------------------------------------
    def session(self, block: Session, start: datetime, sid: str) -> Transcript:
        transcript = Transcript(sid, self.cwd)
        clock = start
        for step in block.steps:
            begin, clock = clock, clock + timedelta(seconds=step.secs)
            called = begin + timedelta(seconds=min(3, step.secs // 2))
            if isinstance(step, Prompt):
                transcript.prompt(step.text, clock, self.branch)
            elif isinstance(step, Say):
                transcript.text(step.text, clock, self.branch)
            elif isinstance(step, Think):
                transcript.thinking(step.text, clock, self.branch)
            else:
                self._tool(transcript, step, called, clock)
        transcript.summarise(block.summary)
        return transcript

    def _tool(self, transcript: Transcript, step, called: datetime, answered: datetime) -> None:
        branch = self.branch  # a git step may switch it; the call was made on this one
        path = f"{self.cwd}/{step.path}" if hasattr(step, "path") else ""
        if isinstance(step, Read):
            text = self._file(step.path).read_text(encoding="utf-8")
            transcript.tool("Read", {"file_path": path}, _numbered(text), called=called, answered=answered,
                            branch=branch, tool_use_result={"type": "text", "file": {
                                "filePath": path, "content": text, "numLines": text.count("\n"),
                                "startLine": 1, "totalLines": text.count("\n")}})
        elif isinstance(step, Write):
            existed = self.write(step.path, step.content)
            result = (f"The file {path} has been updated." if existed
                      else f"File created successfully at: {path}")
            transcript.tool("Write", {"file_path": path, "content": step.content}, result, called=called,
                            answered=answered, branch=branch,
                            tool_use_result={"type": "update" if existed else "create", "filePath": path,
                                             "content": step.content})
        elif isinstance(step, Edit):
            text = self.edit(step.path, step.old, step.new)
            result = (f"The file {path} has been updated. Here's the result of running `cat -n` on a "
                      f"snippet of the edited file:\n{_snippet(text, step.new)}")
            transcript.tool("Edit", {"file_path": path, "old_string": step.old, "new_string": step.new},
                            result, called=called, answered=answered, branch=branch,
                            tool_use_result={"filePath": path, "oldString": step.old, "newString": step.new,
                                             "replaceAll": False, "userModified": False})
        elif isinstance(step, Bash):
            self._bash(transcript, step.command, step.output.replace("{cwd}", self.cwd), step.exit_code,
                       step.description, called, answered, branch)
        elif isinstance(step, GIT_STEPS):
            command, output = self.git(step, called)
            description = {Commit: "Commit the change", Switch: "Switch branch",
                           Merge: "Merge the branch"}[type(step)]
            self._bash(transcript, command, output, 0, description, called, answered, branch)
        elif isinstance(step, Task):
            tool_input = {"description": step.description, "prompt": step.prompt,
                          "subagent_type": "general-purpose"}
            transcript.tool("Task", tool_input, [{"type": "text", "text": step.answer}], called=called,
                            answered=answered, branch=branch, sidechain=(step.prompt, step.answer),
                            tool_use_result={"status": "completed", "content": [{"type": "text",
                                                                                 "text": step.answer}]})
        else:  # pragma: no cover - a new step type without a player
            raise TypeError(f"unknown step {step!r}")

    @staticmethod
    def _bash(transcript: Transcript, command: str, output: str, exit_code: int, description: str,
              called: datetime, answered: datetime, branch: str) -> None:
        failed = exit_code != 0
        result = f"Exit code {exit_code}\n{output}" if failed else output
        tool_input = {"command": command, **({"description": description} if description else {})}
        transcript.tool("Bash", tool_input, result, called=called, answered=answered, branch=branch,
                        is_error=failed, tool_use_result=(f"Error: {result}" if failed else {
                            "stdout": output, "stderr": "", "interrupted": False, "isImage": False}))


def _numbered(text: str, first: int = 1) -> str:
    return "\n".join(f"{number:>6}→{line}" for number, line in enumerate(text.splitlines(), start=first))


def _snippet(text: str, new: str, context: int = 3) -> str:
    lines = text.splitlines()
    start_line = text[: text.index(new)].count("\n") if new else 0
    end_line = start_line + new.count("\n")
    low, high = max(0, start_line - context), min(len(lines), end_line + context + 1)
    return _numbered("\n".join(lines[low:high]), first=low + 1)


def build_project(project: Project, projects_dir: Path, claude_projects: Path, first_day: date) -> BuiltProject:
    """Create `projects_dir/<name>` with its history and its sessions' transcripts."""
    repo = GitRepo(projects_dir / project.name)
    player = _Player(project, repo)
    transcripts = []
    for block in project.blocks:
        start = block_start(block, first_day, project.tz)
        if isinstance(block, Chores):
            player.chores(block, start)
            continue
        sid = session_id(project.name, len(transcripts))
        transcript = player.session(block, start, sid)
        path = transcript_path(claude_projects, player.cwd, sid)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(transcript.jsonl(), encoding="utf-8")
        transcripts.append(path)
    return BuiltProject(repo=repo.path, transcripts=transcripts, commits=player.commits)
