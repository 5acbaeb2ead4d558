"""The WSGI entry point for gunicorn: `gunicorn -k gevent -w 1 wsgi:app` (see docs/deploy.md).

gunicorn's gevent worker patches the standard library before importing this module.
"""

from game.server.app import create_app

app, socketio = create_app()
app.extensions["game"].start_clock()  # phase timers
