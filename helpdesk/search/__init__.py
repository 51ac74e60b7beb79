"""Full-text search over tickets: subjects, messages, order numbers and shoppers, in French, English and Arabic."""
from .service import index_message, index_ticket, matching_tickets, order_number_contains, searches_words_only

__all__ = ["index_message", "index_ticket", "matching_tickets", "order_number_contains", "searches_words_only"]
