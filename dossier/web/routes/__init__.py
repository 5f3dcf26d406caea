"""The app's routers, one per page family; :func:`dossier.web.app.create_app` mounts them."""
