"""The moderators' admin for patient messages: viewset, listing, one message's views, bulk actions, dashboard panel.

Every view starts from the messages of the clinics the user moderates (scope.py).
"""
