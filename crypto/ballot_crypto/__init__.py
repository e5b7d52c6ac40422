"""Verifiable ballot cryptography over the Ed25519 prime-order group (specification: docs/crypto.md).

Core modules: errors, group, transcript, elgamal, dlog, proofs, threshold, credentials.
"""
