"""The HTTP session of the bench scripts (faults.py, national.py): HTTPS as seen by Django behind the proxy header,
cookies kept by hand, the login form posted with its CSRF token. Imports no app: the scripts load it after
``django.setup()``, like the rest."""

import http.client
import re

CSRF_TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


class Client:
    """A session on the server at 127.0.0.1:``port``."""

    def __init__(self, port):
        self.port, self.cookies = port, {}

    def request(self, method, path, body=None, headers=None):
        """(status, content) of one request; the cookies it sets are kept."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        all_headers = {
            "X-Forwarded-Proto": "https",
            "Host": f"127.0.0.1:{self.port}",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            **(headers or {}),
        }
        try:
            conn.request(method, path, body=body, headers=all_headers)
            response = conn.getresponse()
            content = response.read()
        finally:
            conn.close()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        return response.status, content

    def origin(self):
        """The headers of a form posted from the site itself (CSRF origin check)."""
        origin = f"https://127.0.0.1:{self.port}"
        return {"Origin": origin, "Referer": origin + "/"}

    def csrf_token(self, path):
        """The CSRF token of the form of the page at ``path``."""
        _, page = self.request("GET", path)
        return CSRF_TOKEN.search(page).group(1).decode()

    def log_in(self, username, password):
        """Log in through the login page (a session cookie)."""
        token = self.csrf_token("/comptes/connexion/")
        body = f"csrfmiddlewaretoken={token}&username={username}&password={password}"
        headers = {"Content-Type": "application/x-www-form-urlencoded", **self.origin()}
        status, _ = self.request("POST", "/comptes/connexion/", body, headers)
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"Connexion refusée ({status})")
