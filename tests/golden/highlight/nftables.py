#!/usr/bin/env python3
"""Module docstring: "quotes" and 'quotes' inside,
over two lines."""
import json
from nftables import Nftables as N

@dataclass(frozen=True)
class Rule:
    def __init__(self, port: int = 0x1F, rate=1.5e+3, flag=None) -> None:
        self.port = port  # a comment with a "string"
        s = r"raw \d" + b'bytes' + f"{port!r}" + rb'\x00' + u'ünïcode'
        print(len(s), True, False, 10_000, 3j)
        return 'it\'s' if port else ''

x = 'unterminated
y = """never closed
