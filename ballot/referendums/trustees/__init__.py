"""The trustees: the key-ceremony relay, the trustee pages and decryption uploads, the in-process ceremony."""
