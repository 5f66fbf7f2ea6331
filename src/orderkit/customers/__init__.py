"""Customers: who orders, where they live, which language they read."""

from orderkit.customers.customer import Customer, normalise_email
from orderkit.customers.events import CustomerRegistered
from orderkit.customers.repository import CustomerRepository

__all__ = ["Customer", "CustomerRegistered", "CustomerRepository", "normalise_email"]
