"""Web pages of billing: the officer's invoice batches, payments, and what a customer
owes and paid."""
