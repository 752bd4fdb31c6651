"""KNET's ``trandata`` cipher: AES-128-CBC with the terminal resource key as both key and IV,
PKCS#5 padding (to AES's 16-byte block, i.e. PKCS#7), hex encoded.

The scheme has no MAC, so a decryptable message proves little on its own: the callback is
checked field by field against the payment and confirmed by an inquiry before anything is
marked paid (``payments.settle``).
"""

from __future__ import annotations

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

BLOCK_BITS = 128


class InvalidTrandata(ValueError):
    """Not hex, not whole blocks, wrong padding or not text: not encrypted with our key."""


def _cipher(resource_key: str) -> Cipher:
    key = resource_key.encode("utf-8")
    if len(key) != 16:
        raise ValueError("a KNET resource key is 16 characters (AES-128)")
    return Cipher(algorithms.AES128(key), modes.CBC(key))


def encrypt(plain: str, resource_key: str) -> str:
    padder = padding.PKCS7(BLOCK_BITS).padder()
    data = padder.update(plain.encode("utf-8")) + padder.finalize()
    encryptor = _cipher(resource_key).encryptor()
    return (encryptor.update(data) + encryptor.finalize()).hex()


def decrypt(hex_text: str, resource_key: str) -> str:
    try:
        data = bytes.fromhex(hex_text.strip())
    except ValueError as exc:
        raise InvalidTrandata("not hexadecimal") from exc
    if not data or len(data) % 16:
        raise InvalidTrandata("not a whole number of AES blocks")
    decryptor = _cipher(resource_key).decryptor()
    padded = decryptor.update(data) + decryptor.finalize()
    unpadder = padding.PKCS7(BLOCK_BITS).unpadder()
    try:
        plain = unpadder.update(padded) + unpadder.finalize()
    except ValueError as exc:
        raise InvalidTrandata("bad padding") from exc
    try:
        return plain.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidTrandata("not text") from exc
