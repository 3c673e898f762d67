"""The public names: every name in __all__ exists, and the package is typed."""

from __future__ import annotations

from importlib import resources

import mesoplan


def test_all_names_exist_and_are_sorted_uniquely() -> None:
    assert len(set(mesoplan.__all__)) == len(mesoplan.__all__)
    for name in mesoplan.__all__:
        assert hasattr(mesoplan, name), name


def test_public_objects_are_exported() -> None:
    public = {
        name
        for name, value in vars(mesoplan).items()
        if not name.startswith("_") and getattr(value, "__module__", "").startswith("mesoplan")
    }
    assert public <= set(mesoplan.__all__)


def test_package_ships_py_typed_and_builtin_protocols() -> None:
    root = resources.files("mesoplan")
    assert (root / "py.typed").is_file()
    for pid in ("cellulite", "face", "hair"):
        assert (root / "protocols" / "builtin" / f"{pid}.toml").is_file()
