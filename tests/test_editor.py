"""A real editor drives the language server: headless Neovim (Debian's `neovim`; CI installs it)
opens a handler module, receives the diagnostic, applies the quick fix and writes the file, which
must equal what `check --fix` makes of it. Written for the `vim.lsp` API of Neovim 0.7
(`start_client` + `buf_attach_client`), and `vim.lsp.start` where it exists (0.8 and later)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from test_server import BRANCHY, cli_fix

NVIM = shutil.which("nvim")

# Runs inside Neovim; reports through a file (a headless Neovim's own output is the terminal UI).
SCRIPT = textwrap.dedent(
    """\
    local root = os.getenv("LIL_ROOT")
    local report = io.open(root .. "/report.txt", "w")
    local function finish(message)
      report:write(message)
      report:close()
      vim.cmd("qall!")
    end
    local ok, problem = pcall(function()
      vim.cmd("edit " .. vim.fn.fnameescape(root .. "/app.py"))
      local buffer = vim.api.nvim_get_current_buf()
      local config = {
        name = "lambda-import-lint",
        cmd = { os.getenv("LIL_PYTHON"), "-m", "lambda_import_lint", "server" },
        root_dir = root,
      }
      local client_id
      if vim.lsp.start then  -- Neovim 0.8 and later (start_client is deprecated from 0.11)
        client_id = vim.lsp.start(config, { bufnr = buffer })
      else  -- Neovim 0.7
        client_id = vim.lsp.start_client(config)
        vim.lsp.buf_attach_client(buffer, client_id)
      end
      assert(client_id, "the server did not start")
      local published = vim.wait(60000, function() return #vim.diagnostic.get(buffer) > 0 end, 50)
      assert(published, "no diagnostics within 60 s")
      local diagnostics = vim.diagnostic.get(buffer)
      assert(#diagnostics == 1, "expected one diagnostic, got " .. #diagnostics)
      local diagnostic = diagnostics[1]
      assert(diagnostic.source == "lambda-import-lint", "source: " .. tostring(diagnostic.source))
      report:write("diagnostic " .. tostring(diagnostic.code) .. " line " .. diagnostic.lnum .. "\\n")
      local client = vim.lsp.get_client_by_id(client_id)
      local params = {
        textDocument = { uri = vim.uri_from_bufnr(buffer) },
        range = { start = { line = diagnostic.lnum, character = 0 },
                  ["end"] = { line = diagnostic.lnum, character = 0 } },
        context = { diagnostics = {} },
      }
      local responses = vim.lsp.buf_request_sync(buffer, "textDocument/codeAction", params, 60000)
      assert(responses and responses[client_id], "no answer to textDocument/codeAction")
      local applied = false
      for _, action in ipairs(responses[client_id].result or {}) do
        if action.kind == "quickfix" and not action.title:find("^Ignore") and not applied then
          if not action.edit then  -- offered lazily: Neovim resolves the action it applies
            local resolved = vim.lsp.buf_request_sync(buffer, "codeAction/resolve", action, 60000)
            assert(resolved and resolved[client_id], "no answer to codeAction/resolve")
            action = resolved[client_id].result
            report:write("resolved\\n")
          end
          assert(action.edit, "the quick fix has no edit")
          report:write("action " .. action.title .. "\\n")
          vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding)
          applied = true
        end
      end
      assert(applied, "no quick fix offered")
      vim.cmd("write")
      local cleared = vim.wait(60000, function() return #vim.diagnostic.get(buffer) == 0 end, 50)
      assert(cleared, "the diagnostic stayed after the fix")
      report:write("cleared\\n")
    end)
    finish(ok and "ok\\n" or ("error: " .. tostring(problem) .. "\\n"))
    """
)


@pytest.mark.skipif(NVIM is None, reason="nvim is not installed (Debian: apt-get install neovim)")
def test_neovim_applies_the_quick_fix(tmp_path: Path) -> None:
    assert NVIM is not None
    path = tmp_path / "app.py"
    path.write_text(BRANCHY)
    expected = cli_fix(tmp_path, "app.py", BRANCHY)
    assert expected != BRANCHY
    script = tmp_path / "drive.lua"
    script.write_text(SCRIPT)
    env = {
        **os.environ,
        "LIL_ROOT": str(tmp_path),
        "LIL_PYTHON": sys.executable,
        "LAMBDA_IMPORT_LINT_CACHE_DIR": str(tmp_path / ".cache"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    completed = subprocess.run(
        [NVIM, "--headless", "-u", "NONE", "-i", "NONE", "-n", "-c", f"luafile {script}"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        timeout=180,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    report = (tmp_path / "report.txt").read_text() if (tmp_path / "report.txt").exists() else ""
    assert report.endswith("ok\n"), (report, completed.stderr.decode(errors="replace")[-2000:])
    assert "diagnostic LIL001 line 1\n" in report
    assert path.read_text() == expected
