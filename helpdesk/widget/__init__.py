"""The shopper's widget: the script a shop embeds, the complaint and withdrawal endpoints it posts to."""
