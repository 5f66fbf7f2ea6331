"""Application services: one use case = one unit of work.

Each service method validates its input, opens a unit of work, loads what it
needs, calls the domain, saves, writes its events to the outbox and commits.
When anything fails the unit of work rolls back and nothing has changed.
"""
