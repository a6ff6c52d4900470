from tests.livegame.support import live  # noqa: F401 - the fixture, for every test here
