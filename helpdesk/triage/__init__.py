"""Stage 3 of the pipeline: which category a complaint belongs to, and how sure we are.

Pure Python (scikit-learn), no Flask: the CLI ``classify``, the ticket
services and the bench all call the same functions.
"""

from helpdesk.triage.base import base_model, build_base_model
from helpdesk.triage.classifier import CATEGORIES, Model, Prediction, load_corpus, prepare, train
from helpdesk.triage.language import detect_language

__all__ = [
    "CATEGORIES",
    "Model",
    "Prediction",
    "base_model",
    "build_base_model",
    "detect_language",
    "load_corpus",
    "prepare",
    "train",
]
