"""Look up int8 embedding rows before dequantising them: an exact rewrite of the ONNX graph.

The int8 MiniLM file stores every weight as int8 with a float scale (Cast, then Mul). onnxruntime
folds those constants into float32 when it loads the model, so the 30,522 x 384 word-embedding
table alone becomes 47 MB of float32 in memory. Gathering the int8 rows (and their per-row
scales) first and dequantising only the rows a sentence uses computes the very same products
(float(q) * scale for each element) and keeps the table at 12 MB. Only the protobuf wire format
is touched (no `onnx` package); a graph that does not have this shape is left as it is.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["gather_before_dequantize"]

_VARINT, _I64, _LEN, _I32 = 0, 1, 2, 5
_GRAPH = 7  # ModelProto.graph
_NODE = 1  # GraphProto.node
_FLOAT = 1  # TensorProto.FLOAT
Field = tuple[int, int, bytes]
"""(field number, wire type, raw value) of one protobuf field, in file order."""


def _varint(data: bytes, at: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[at]
        value |= (byte & 0x7F) << shift
        at += 1
        if byte < 0x80:
            return value, at
        shift += 7


def _encode_varint(value: int) -> bytes:
    out = bytearray()
    while True:
        low = value & 0x7F
        value >>= 7
        if value:
            out.append(low | 0x80)
        else:
            out.append(low)
            return bytes(out)


def _fields(data: bytes) -> list[Field]:
    out: list[Field] = []
    at = 0
    while at < len(data):
        key, at = _varint(data, at)
        number, wire = key >> 3, key & 7
        start = at
        if wire == _VARINT:
            _, at = _varint(data, at)
        elif wire == _I64:
            at += 8
        elif wire == _I32:
            at += 4
        elif wire == _LEN:
            size, start = _varint(data, at)
            at = start + size
        else:
            raise ValueError(f"protobuf wire type {wire} not expected in an ONNX model")
        out.append((number, wire, data[start:at]))
    return out


def _join(fields: list[Field]) -> bytes:
    parts = []
    for number, wire, value in fields:
        parts.append(_encode_varint(number << 3 | wire))
        if wire == _LEN:
            parts.append(_encode_varint(len(value)))
        parts.append(value)
    return b"".join(parts)


@dataclass(frozen=True)
class _Node:
    inputs: list[str]
    outputs: list[str]
    op_type: str
    raw: bytes

    @classmethod
    def parse(cls, raw: bytes) -> _Node:
        fields = _fields(raw)

        def strings(number: int) -> list[str]:
            return [v.decode("utf-8") for n, w, v in fields if n == number and w == _LEN]

        return cls(strings(1), strings(2), next(iter(strings(4)), ""), raw)


def _node(op_type: str, inputs: list[str], output: str, name: str,
          attributes: tuple[bytes, ...] = ()) -> bytes:
    fields: list[Field] = [(1, _LEN, i.encode()) for i in inputs]
    fields += [(2, _LEN, output.encode()), (3, _LEN, name.encode()), (4, _LEN, op_type.encode())]
    fields += [(5, _LEN, a) for a in attributes]
    return _join(fields)


def _cast_to_float() -> bytes:
    """AttributeProto to=FLOAT (type INT = 2)."""
    return _join([(1, _LEN, b"to"), (3, _VARINT, _encode_varint(_FLOAT)),
                  (20, _VARINT, _encode_varint(2))])


def _rewrite(nodes: list[_Node]) -> list[bytes] | None:
    """The graph's nodes (NodeProto bodies) with each Gather over a dequantised constant
    rewritten; None when there is none."""
    producer = {out: node for node in nodes for out in node.outputs}
    uses: dict[str, int] = {}
    for node in nodes:
        for name in node.inputs:
            uses[name] = uses.get(name, 0) + 1
    dropped: set[int] = set()
    replaced: dict[int, list[bytes]] = {}
    for node in nodes:
        table = node.inputs[0] if node.op_type == "Gather" and len(node.inputs) == 2 else ""
        mul = producer.get(table)
        if mul is None or mul.op_type != "Mul" or uses.get(table) != 1 or len(mul.inputs) != 2:
            continue
        cast = producer.get(mul.inputs[0])
        # the scale must be a constant (not computed) and the cast feed only this Mul
        if (cast is None or cast.op_type != "Cast" or mul.inputs[1] in producer
                or cast.inputs[0] in producer or uses.get(mul.inputs[0]) != 1):
            continue
        replaced[id(node)] = _gather_then_scale(node, cast.inputs[0], mul.inputs[1])
        dropped |= {id(mul), id(cast)}
    if not replaced:
        return None
    return [body for n in nodes if id(n) not in dropped
            for body in replaced.get(id(n), [n.raw])]


def _gather_then_scale(gather: _Node, quantized: str, scale: str) -> list[bytes]:
    """Gather(q, ids) -> Cast -> Mul by Gather(scale, ids): the same float(q) * scale values,
    given a per-row scale ([rows, 1]) as this model has (tests compare the outputs)."""
    ids, out = gather.inputs[1], gather.outputs[0]
    attributes = tuple(v for n, w, v in _fields(gather.raw) if n == 5 and w == _LEN)  # axis
    return [
        _node("Gather", [quantized, ids], f"{out}/q", f"{out}/gather_q", attributes),
        _node("Gather", [scale, ids], f"{out}/scale", f"{out}/gather_scale", attributes),
        _node("Cast", [f"{out}/q"], f"{out}/f", f"{out}/cast", (_cast_to_float(),)),
        _node("Mul", [f"{out}/f", f"{out}/scale"], out, f"{out}/dequantize"),
    ]


def gather_before_dequantize(model: bytes) -> bytes | None:
    """The rewritten model, or None when the graph has no dequantised table to gather from."""
    top = _fields(model)
    for index, (number, wire, graph) in enumerate(top):
        if number != _GRAPH or wire != _LEN:
            continue
        fields = _fields(graph)
        nodes = [_Node.parse(v) for n, w, v in fields if n == _NODE and w == _LEN]
        rewritten = _rewrite(nodes)
        if rewritten is None:
            return None
        first = next(i for i, (n, w, _) in enumerate(fields) if n == _NODE and w == _LEN)
        rest = [f for f in fields if not (f[0] == _NODE and f[1] == _LEN)]
        body = (_join(rest[:first]) + _join([(_NODE, _LEN, r) for r in rewritten])
                + _join(rest[first:]))
        return _join([*top[:index], (_GRAPH, _LEN, body), *top[index + 1:]])
    return None
