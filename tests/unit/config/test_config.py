"""The config loader: finding the file, inheritance, and exact error messages."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from kefulint import Linter, Settings, Severity
from kefulint.cli.main import cli
from kefulint.config import ConfigError, LintOptions, find_config, load_config, load_settings


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def errors_of(path=None, start_dir=None) -> list[str]:
    with pytest.raises(ConfigError) as exc:
        load_config(path, start_dir)
    return exc.value.errors


def test_no_config_gives_defaults(in_tmp):
    config = load_config(start_dir=in_tmp)
    assert config.path is None
    assert config.settings == Settings()
    assert config.lint == LintOptions()
    assert config.section("scan") == {}


def test_top_level_keys_map_to_settings(in_tmp):
    write(in_tmp / "rules/shop.toml", "")
    write(in_tmp / "kefulint.toml", """
rulesets = ["contact", "etiquette"]
extra-rulesets = ["rules/shop.toml"]
disable = ["contact.hotline"]
severity = { "contact.qq-number" = "warning" }
points = { "contact.mobile" = 10 }
platform = "jd"
infer-platform = false
allow-domains = ["myshop.com"]
allow-numbers = ["400-812-3123"]
allow-phrases = ["官方旗舰店"]
user-words = ["云朵被"]
fail-on = "warning"
""")
    s = load_settings(start_dir=in_tmp)
    assert s.rulesets == ("contact", "etiquette")
    assert s.extra_rulesets == (str((in_tmp / "rules/shop.toml").resolve()),)
    assert s.disable == ("contact.hotline",)
    assert s.severity == {"contact.qq-number": "warning"}
    assert s.points == {"contact.mobile": 10}
    assert (s.platform, s.infer_platform) == ("jd", False)
    assert s.allow_domains == ("myshop.com",) and s.allow_numbers == ("400-812-3123",)
    assert s.allow_phrases == ("官方旗舰店",) and s.user_words == ("云朵被",)
    assert s.fail_on is Severity.WARNING


def test_lint_section_and_raw_tool_sections(in_tmp):
    write(in_tmp / "kefulint.toml", """
[lint]
include = ["replies/"]
exclude = ["drafts/"]
max-points = 12
columns = ["短语内容"]
keys = ["answer"]
suppress-column = "kefulint"
txt-mode = "paragraph"
cache = false

[scan]
agents = "客服"
[serve]
port = 8765
""")
    config = load_config()
    assert config.lint.include == ("replies/",) and config.lint.exclude == ("drafts/",)
    assert config.lint.max_points == 12 and config.lint.columns == ("短语内容",)
    assert config.lint.keys == ("answer",) and config.lint.suppress_column == "kefulint"
    assert config.lint.txt_mode == "paragraph" and config.lint.cache is False
    assert config.section("scan") == {"agents": "客服"}
    assert config.section("serve") == {"port": 8765}
    config.section("serve")["port"] = 1  # a copy: the config is not changed in place
    assert config.section("serve") == {"port": 8765}


def test_every_problem_reported_with_line_and_suggestion(in_tmp):
    write(in_tmp / "kefulint.toml", """# comment
severty = { "contact.mobile" = "warning" }
disable = ["contact.mobil"]
points = { "contact.qq-number" = -2 }
platform = "tabao"
fail-on = "fatal"
allow-numbers = "4008123123"

[severity]
"contact.email" = "critical"

[lint]
max-point = 3
txt-mode = "lines"

[bogus]
x = 1
""")
    assert errors_of() == [
        "kefulint.toml:2: unknown key 'severty' (did you mean 'severity'?)",
        "kefulint.toml:4: 'points.contact.qq-number' must be a whole number >= 0, not -2",
        ("kefulint.toml:5: 'platform' must be one of taobao, tmall, jd, pdd, douyin, not 'tabao' "
         "(did you mean 'taobao'?)"),
        "kefulint.toml:6: 'fail-on' must be one of info, warning, error, not 'fatal'",
        "kefulint.toml:7: 'allow-numbers' must be a list of non-empty strings",
        "kefulint.toml:10: 'severity.contact.email' must be one of info, warning, error, not 'critical'",
        "kefulint.toml:13: [lint]: unknown key 'max-point' (did you mean 'max-points'?)",
        "kefulint.toml:14: 'lint.txt-mode' must be \"line\" or \"paragraph\", not 'lines'",
        ("kefulint.toml:16: unknown key 'bogus' (allowed: extend, rulesets, extra-rulesets, disable, severity, "
         "points, platform, infer-platform, allow-domains, allow-numbers, allow-phrases, user-words, fail-on, model, "
         "lint, scan, serve)"),
        ("kefulint.toml:3: 'disable': unknown rule, category or ruleset 'contact.mobil' "
         "(did you mean 'contact.mobile'?)"),
    ]


def test_snake_case_key_suggests_kebab_case(in_tmp):
    write(in_tmp / "kefulint.toml", 'allow_domains = ["a.com"]\n')
    assert errors_of() == ["kefulint.toml:1: unknown key 'allow_domains' (did you mean 'allow-domains'?)"]


def test_unknown_rule_in_inline_table_points_at_its_line(in_tmp):
    write(in_tmp / "kefulint.toml", 'platform = "jd"\nseverity = { "contact.qqq" = "info" }\n')
    [message] = errors_of()
    assert message.startswith("kefulint.toml:2: 'severity': unknown rule, category or ruleset 'contact.qqq'")


def test_invalid_toml_names_file_and_line(in_tmp):
    write(in_tmp / "kefulint.toml", 'platform = "jd"\ndisable = [\n')
    [message] = errors_of()
    assert message.startswith("kefulint.toml:") and "invalid TOML" in message


def test_missing_explicit_file(in_tmp):
    assert errors_of("nope.toml") == ["nope.toml: config file not found"]


def test_pyproject_tool_table_and_nearest_wins(in_tmp):
    write(in_tmp / "pyproject.toml", '[project]\nname = "x"\n\n[tool.kefulint]\nplatform = "pdd"\n')
    sub = in_tmp / "team" / "replies"
    sub.mkdir(parents=True)
    assert find_config(sub) == (in_tmp / "pyproject.toml").resolve()
    assert load_settings(start_dir=sub).platform == "pdd"
    write(in_tmp / "team" / "kefulint.toml", 'platform = "jd"\n')
    assert find_config(sub) == (in_tmp / "team" / "kefulint.toml").resolve()
    assert load_settings(start_dir=sub).platform == "jd"


def test_kefulint_toml_wins_over_pyproject_in_same_dir(in_tmp):
    write(in_tmp / "pyproject.toml", '[tool.kefulint]\nplatform = "pdd"\n')
    write(in_tmp / "kefulint.toml", 'platform = "douyin"\n')
    assert load_settings().platform == "douyin"


def test_pyproject_without_tool_table_is_not_a_config(in_tmp):
    write(in_tmp / "pyproject.toml", '[project]\nname = "x"\n')
    assert find_config(in_tmp) is None
    assert errors_of("pyproject.toml") == ["pyproject.toml: no [tool.kefulint] table"]


def test_pyproject_error_lines_count_in_the_whole_file(in_tmp):
    write(in_tmp / "pyproject.toml", '[project]\nname = "x"\n\n[tool.kefulint]\nplatfrom = "jd"\n')
    assert errors_of() == ["pyproject.toml:5: unknown key 'platfrom' (did you mean 'platform'?)"]


def test_extend_merges_tables_and_child_wins(in_tmp):
    write(in_tmp / "base.toml", """
platform = "jd"
disable = ["etiquette"]
severity = { "contact.mobile" = "warning", "contact.email" = "info" }
[lint]
max-points = 10
columns = ["内容"]
""")
    write(in_tmp / "shop" / "kefulint.toml", """
extend = "../base.toml"
severity = { "contact.email" = "error" }
[lint]
max-points = 20
""")
    config = load_config(start_dir=in_tmp / "shop")
    assert config.settings.platform == "jd"
    assert config.settings.disable == ("etiquette",)
    assert config.settings.severity == {"contact.mobile": "warning", "contact.email": "error"}
    assert config.lint.max_points == 20 and config.lint.columns == ("内容",)


def test_extend_paths_resolve_against_the_declaring_file(in_tmp):
    write(in_tmp / "shared" / "rules.toml", "")
    write(in_tmp / "shared" / "base.toml", 'extra-rulesets = ["rules.toml"]\n')
    write(in_tmp / "kefulint.toml", 'extend = "shared/base.toml"\n')
    assert load_settings().extra_rulesets == (str((in_tmp / "shared" / "rules.toml").resolve()),)


def test_extend_cycle_is_an_error(in_tmp):
    write(in_tmp / "a.toml", 'extend = "b.toml"\n')
    write(in_tmp / "b.toml", 'extend = "a.toml"\n')
    assert errors_of("a.toml") == ["b.toml: extend cycle: a.toml -> b.toml -> a.toml"]


def test_extend_missing_file(in_tmp):
    write(in_tmp / "kefulint.toml", 'platform = "jd"\nextend = "../nope.toml"\n')
    assert errors_of() == ["kefulint.toml:2: 'extend': file not found: ../nope.toml"]


def test_errors_in_parent_name_the_parent(in_tmp):
    write(in_tmp / "base.toml", 'plaform = "jd"\n')
    write(in_tmp / "kefulint.toml", 'extend = "base.toml"\n')
    assert errors_of() == ["base.toml:1: unknown key 'plaform' (did you mean 'platform'?)"]


def test_overrides_win_and_are_checked(in_tmp):
    write(in_tmp / "kefulint.toml", 'platform = "jd"\nfail-on = "warning"\n')
    s = load_settings(platform="pdd", fail_on="error")
    assert s.platform == "pdd" and s.fail_on is Severity.ERROR
    with pytest.raises(ConfigError) as exc:
        load_settings(platfrom="pdd")
    assert exc.value.errors == ["unknown setting 'platfrom' (did you mean 'platform'?)"]


def test_linter_from_config_applies_it(in_tmp):
    write(in_tmp / "kefulint.toml", 'disable = ["contact.wechat-id"]\nallow-numbers = ["13800138000"]\n')
    linter = Linter.from_config()
    assert not linter.check("亲，加我微信 abc_123").findings or all(
        f.rule != "contact.wechat-id" for f in linter.check("亲，加我微信 abc_123").findings)
    assert not any(f.rule == "contact.mobile" for f in linter.check("电话13800138000").findings)


def test_init_writes_a_starter_that_loads(in_tmp):
    result = CliRunner().invoke(cli, ["init"])
    assert result.exit_code == 0, result.output
    text = (in_tmp / "kefulint.toml").read_text(encoding="utf-8")
    assert "平台" in text and "platform" in text  # Chinese and English comments
    config = load_config()
    assert config.path == (in_tmp / "kefulint.toml").resolve()
    assert config.settings.platform == "taobao"
    again = CliRunner().invoke(cli, ["init"])
    assert again.exit_code == 2 and "already exists" in again.output
    assert CliRunner().invoke(cli, ["init", "--force"]).exit_code == 0


def test_cli_reports_config_errors_with_exit_2(in_tmp):
    write(in_tmp / "kefulint.toml", "severty = 1\n")
    write(in_tmp / "a.txt", "你好\n")
    result = CliRunner().invoke(cli, ["lint", "a.txt"])
    assert result.exit_code == 2
    assert "kefulint.toml:1: unknown key 'severty' (did you mean 'severity'?)" in result.output


def test_display_paths_are_relative_to_cwd(in_tmp):
    sub = in_tmp / "x"
    write(sub / "kefulint.toml", "platfrm = 1\n")
    assert errors_of(start_dir=sub)[0].startswith(f"x{os.sep}kefulint.toml:1:".replace(os.sep, "/"))


def test_pyproject_lint_table_errors_point_into_it(in_tmp):
    write(in_tmp / "pyproject.toml", '[project]\nname = "x"\n\n[tool.kefulint]\nplatform = "jd"\n\n'
                                     '[tool.kefulint.lint]\ncolumns = "短语内容"\n')
    assert errors_of() == ["pyproject.toml:8: 'lint.columns' must be a list of non-empty strings"]
    write(in_tmp / "pyproject.toml", '[tool.kefulint]\n[tool.kefulint.lint]\ncolumns = ["短语内容"]\n')
    assert load_config().lint.columns == ("短语内容",)


@pytest.mark.parametrize("pattern, path, expected", [
    ("*.csv", "a.csv", True),
    ("*.csv", "deep/er/a.csv", True),
    ("*.csv", "a.csv.bak", False),
    ("drafts", "x/drafts/a.txt", True),
    ("drafts/", "drafts/a.txt", True),
    ("drafts/", "drafts", False),  # a file named drafts is not a directory
    ("replies/", "replies/sub/a.md", True),
    ("replies/*.md", "replies/a.md", True),
    ("replies/*.md", "replies/sub/a.md", False),
    ("replies/**/*.md", "replies/sub/x/a.md", True),
    ("replies/**/*.md", "replies/a.md", True),
    ("/top.txt", "top.txt", True),
    ("/top.txt", "x/top.txt", False),
    ("a?.txt", "ab.txt", True),
    ("[!x]*.txt", "a.txt", True),
    ("[!x]*.txt", "x.txt", False),
])
def test_glob_match(pattern, path, expected):
    from kefulint.templates.globs import glob_match

    assert glob_match(pattern, path) is expected


def test_starter_and_docs_mention_every_key():
    """The starter file and docs/lint.md stay in step with the keys the loader accepts."""
    import re
    from importlib import resources

    from kefulint.config import loader as config

    starter = resources.files("kefulint").joinpath("data/starter.toml").read_text(encoding="utf-8")
    docs = (Path(__file__).resolve().parents[3] / "docs" / "lint.md").read_text(encoding="utf-8")
    for key in [*config._SETTINGS_KEYS, "extend"]:
        assert re.search(rf"^#? ?{re.escape(key)} =", starter, re.MULTILINE), key
        assert re.search(rf"^{re.escape(key)} =", docs, re.MULTILINE), key
    for key in config._LINT_KEYS:
        assert re.search(rf"^#? ?{re.escape(key)} =", docs, re.MULTILINE), key
    for key in ("include", "exclude", "max-points", "columns", "keys", "suppress-column", "txt-mode", "baseline"):
        assert re.search(rf"^#? ?{re.escape(key)} =", starter, re.MULTILINE), key
