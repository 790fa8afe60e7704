# the inventory is always for a human to review
