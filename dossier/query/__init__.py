"""The read side: what the CLI, the web pages and the exports show, over the
:class:`~dossier.store.base.Store` interface. One module per kind of question."""
from dossier.query.documents import document, recent_documents, search_documents, top_groups
from dossier.query.names import entity, find, suggestions
from dossier.query.network import network
from dossier.query.profiles import Profile, combined_confidence, profile, profile_page
from dossier.query.search import search
from dossier.query.timeline import timeline

__all__ = ["Profile", "combined_confidence", "document", "entity", "find", "profile",
           "network", "profile_page", "recent_documents", "search", "search_documents",
           "suggestions", "timeline", "top_groups"]
