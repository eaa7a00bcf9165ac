"""A saved article turned into candidate events and facts, reviewed into the user's registry overlay."""
