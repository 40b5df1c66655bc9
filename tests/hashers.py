from django.contrib.auth.hashers import Argon2PasswordHasher


class FastArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2 with small costs so the suite does not spend minutes hashing; same algorithm and format."""

    time_cost = 1
    memory_cost = 1024
    parallelism = 1
