"""The static files' storage of production (DEBUG off): whitenoise's compressed manifest storage, its URLs kept.

``{% static %}`` asks the storage for the URL of a name: the manifest's hashed name, then ``urljoin`` with
STATIC_URL; the layout of every page writes fourteen of them (DSFR's styles, scripts, icons, favicons). A tag cost
13.7 µs, 5.4 µs with the URL kept (in process, DEBUG off): 0.12 ms of every page. The manifest is read once when
the storage is built (one per process) and does not change during the process's life, so neither does the URL of
a name: it is kept after its first computation. collectstatic writes a new manifest: the URLs kept are dropped when
the manifest's table is replaced (``hashed_files``); the running processes, which never reread the file, are
restarted by every deployment anyway."""

from django.conf import settings
from whitenoise.storage import CompressedManifestStaticFilesStorage


class KeptUrlsManifestStorage(CompressedManifestStaticFilesStorage):
    def url(self, name, force=False):
        if force:
            return super().url(name, force)
        kept = self.__dict__.get("_kept_urls")
        if kept is None or kept[0] is not self.hashed_files:
            kept = self._kept_urls = (self.hashed_files, {})
        key = (name, settings.DEBUG)  # with DEBUG, Django's storage gives the name unhashed
        try:
            return kept[1][key]
        except KeyError:
            # A name missing from the manifest raises here (manifest_strict): nothing is kept for it.
            url = kept[1][key] = super().url(name, force)
            return url
