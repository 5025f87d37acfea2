"""The OpenAPI schema's view (apart from qualipref.lib.openapi, which DRF's settings import before the views)."""

from django.urls import get_urlconf
from django.utils import translation
from drf_spectacular.views import SpectacularAPIView
from rest_framework.response import Response


class SchemaView(SpectacularAPIView):
    """The schema, generated once per process, URL configuration, version and language: it depends on the code only
    (SERVE_PUBLIC: the same for every user), and its generation takes about a second of the request."""

    _generated = {}

    def _get_schema_response(self, request):
        version = self.api_version or request.version or self._get_version_parameter(request)
        key = (get_urlconf(), self.urlconf, version, translation.get_language())
        if key not in self._generated:
            generator = self.generator_class(urlconf=self.urlconf, api_version=version, patterns=self.patterns)
            self._generated[key] = generator.get_schema(request=request, public=self.serve_public)
        return Response(
            data=self._generated[key],
            headers={"Content-Disposition": f'inline; filename="{self._get_filename(request, version)}"'},
        )
