"""Generator of the project's own triage training corpus (fr, en, mixed, hard).

Run ``python -m helpdesk.triage.corpusgen`` to rewrite
``helpdesk/triage/corpus/{fr,en,mixed,hard}.jsonl``. Every sentence here was
written for this project; the evaluation sets in ``../shared/corpus`` are
never read. Rows are built from many hand-written sentences per category,
wrapped in varied shapes (web-form notes, e-mails with signatures and quoted
history, marketplace forwards, tweets, SMS-style text with typos, posts to
brands' support handles, long reports to a consumer authority) so the model
learns the complaint, not the template. Output is deterministic
(fixed seed).
"""
