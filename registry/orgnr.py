"""Norwegian organisation numbers (organisasjonsnummer)."""

ORG_NUMBER_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)


def org_number_is_valid(value: str) -> bool:
    """A Norwegian organisation number: 9 digits, the last a modulus-11 check digit."""
    if len(value) != 9 or not value.isascii() or not value.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(value[:8], ORG_NUMBER_WEIGHTS, strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    if check == 10:
        return False
    return check == int(value[8])


def with_check_digit(first_eight: str) -> str | None:
    """The organisation number that starts with these 8 digits (None: no valid one)."""
    total = sum(int(d) * w for d, w in zip(first_eight, ORG_NUMBER_WEIGHTS, strict=True))
    check = (11 - total % 11) % 11
    return None if check == 10 else f"{first_eight}{check}"
