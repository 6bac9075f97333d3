"""allauth's login backend, with the signed-in person kept between requests.

Every request of a signed-in person reads their row (``get_user``). The row changes rarely, and every change of
it is a saved row, which changes the data version (circular_cities/datacache.py): so the person is read from the
cache under the current version, and from the database only after a change (a new password, deactivation,
erasure, a new name) or when the time to live has run out. The session's password hash is still checked on every
request, against the kept copy, which is never older than the last save of the row.

The kept copy is the whole row (the password hash included, which the session check needs) in the platform's
own Redis, for at most ``DATA_CACHE_SECONDS``; after an erasure the old copy is unreachable at once (the save
changed the version) and gone when it expires."""

from allauth.account.auth_backends import AuthenticationBackend

from circular_cities.datacache import cached_value


class KeptUserAuthenticationBackend(AuthenticationBackend):
    def get_user(self, user_id):
        return cached_value("user", user_id, build=lambda: super(KeptUserAuthenticationBackend, self).get_user(
            user_id))
