"""Learning from annotated text: the annotated corpus, the candidate ceiling,
the relation model's features and training, and cross-validation by document.

Extraction itself only reads the shipped model (:mod:`dossier.extract.relations.learned`);
training needs the ``train`` extra (scikit-learn).
"""
