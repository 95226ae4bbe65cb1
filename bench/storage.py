"""Production static storage for the bench, minus source-map rewriting.

The vendored Bootstrap files end with `sourceMappingURL=....map` comments but the .map files are not
shipped, so `collectstatic` with the manifest storage stops with MissingFileError. Until the portal
strips those comments (or ships the maps), the bench skips only that rewrite; everything else (hashed
names, compression, far-future caching) is what production serves.
"""

from whitenoise.storage import CompressedManifestStaticFilesStorage


def _without_source_maps(patterns):
    kept = []
    for glob, rules in patterns:
        rules = tuple(
            rule for rule in rules if "sourceMappingURL" not in (rule[0] if isinstance(rule, tuple) else rule)
        )
        kept.append((glob, rules))
    return tuple(kept)


class BenchStaticFilesStorage(CompressedManifestStaticFilesStorage):
    patterns = _without_source_maps(CompressedManifestStaticFilesStorage.patterns)
