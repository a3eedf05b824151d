"""Rule pack files: finding, reading and validating pack YAML (built-in, by path, named by a configuration).

The engine receives the parsed, validated mappings and builds `Pack` objects from them; it never opens a file.
"""

from opencheck.rulepacks.load import builtin_pack_names, builtin_packs_dir, is_path_like, load_pack, pack_errors

__all__ = ["builtin_pack_names", "builtin_packs_dir", "is_path_like", "load_pack", "pack_errors"]
