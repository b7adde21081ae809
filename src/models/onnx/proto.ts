/**
 * The ONNX protobuf schema (from `onnx-proto`, encoded/decoded by protobufjs) and small helpers
 * to read its values: int64 fields, tensors, attributes.
 *
 * `onnx-proto` is a CommonJS package; its generated classes live under `onnx`:
 * `proto.ModelProto.decode(bytes)`, `proto.ModelProto.encode(model).finish()`.
 */
import onnxPkg from 'onnx-proto';
import type { onnx as Onnx } from 'onnx-proto';
import { TransferkitError } from '../../errors.ts';

export type { Onnx };

/** The generated ONNX message classes (`ModelProto`, `GraphProto`, `NodeProto`, …). */
export const proto = onnxPkg.onnx;

/** `TensorProto.DataType` values used here. */
export const DataType = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7, BOOL: 9, FLOAT16: 10, DOUBLE: 11 } as const;

/** `AttributeProto.AttributeType` values. */
export const AttrType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, FLOATS: 6, INTS: 7, STRINGS: 8 } as const;

/** Bytes per element of the tensor data types transferkit reads. */
const ELEMENT_BYTES: Record<number, number> = { 1: 4, 2: 1, 3: 1, 4: 2, 5: 2, 6: 4, 7: 8, 9: 1, 10: 2, 11: 8, 12: 4, 13: 8, 16: 2 };

/** Human names of tensor data types, for messages. */
export const DATA_TYPE_NAMES: Record<number, string> = {
  0: 'undefined', 1: 'float32', 2: 'uint8', 3: 'int8', 4: 'uint16', 5: 'int16', 6: 'int32', 7: 'int64', 8: 'string', 9: 'bool', 10: 'float16', 11: 'float64', 12: 'uint32', 13: 'uint64', 14: 'complex64', 15: 'complex128', 16: 'bfloat16',
};

/** A protobuf int64 as decoded by protobufjs (a number or a Long). */
export type Int64 = number | { toNumber(): number } | null | undefined;

/**
 * Turns a protobuf int64 (number or Long) into a number (0 when absent).
 *
 * @example
 * ```ts
 * toNumber(model.irVersion); // 8
 * ```
 */
export function toNumber(v: Int64): number {
  if (v === null || v === undefined) return 0;
  return typeof v === 'number' ? v : v.toNumber();
}

/** Bytes per element of an ONNX data type, or undefined for strings and unknown types. */
export function elementBytes(dataType: number): number | undefined {
  return ELEMENT_BYTES[dataType];
}

/**
 * The dims of a tensor as numbers.
 *
 * @example
 * ```ts
 * tensorDims(weight); // [16, 3, 3, 3]
 * ```
 */
export function tensorDims(t: Onnx.ITensorProto): number[] {
  return (t.dims ?? []).map((d) => toNumber(d as Int64));
}

/** How many elements a tensor holds according to its dims. */
export function tensorSize(t: Onnx.ITensorProto): number {
  return tensorDims(t).reduce((p, d) => p * d, 1);
}

/**
 * The values of a numeric tensor as float64 numbers in a Float64Array, whatever its data type
 * and storage (raw bytes or typed fields). Throws a plain Error for strings or unknown types.
 *
 * @example
 * ```ts
 * const shape = Array.from(tensorValues(shapeInitializer)); // [0, -1]
 * ```
 */
export function tensorValues(t: Onnx.ITensorProto): Float64Array {
  const type = t.dataType ?? 0;
  const n = tensorSize(t);
  // check the declared size against what the file stores before allocating anything for it
  const stored = storedElements(t);
  if (!Number.isSafeInteger(n) || n < 0 || (stored !== undefined && stored !== n)) {
    const dims = `[${tensorDims(t).join(', ')}]`;
    throw new TransferkitError('CORRUPT_MODEL', `Tensor "${t.name ?? ''}" declares dims ${dims} (${n} values) but ${stored === undefined ? 'that is not a valid size' : `stores ${stored}`}`, {
      where: t.name ?? undefined,
      hint: 'The ONNX file is damaged or was edited; export the model again.',
    });
  }
  const out = new Float64Array(n);
  const raw = t.rawData;
  if (raw && raw.length > 0) {
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    for (let i = 0; i < n; i++) {
      switch (type) {
        case 1: out[i] = view.getFloat32(i * 4, true); break;
        case 2: out[i] = view.getUint8(i); break;
        case 3: out[i] = view.getInt8(i); break;
        case 4: out[i] = view.getUint16(i * 2, true); break;
        case 5: out[i] = view.getInt16(i * 2, true); break;
        case 6: out[i] = view.getInt32(i * 4, true); break;
        case 7: out[i] = Number(view.getBigInt64(i * 8, true)); break;
        case 9: out[i] = view.getUint8(i) ? 1 : 0; break;
        case 10: out[i] = halfToFloat(view.getUint16(i * 2, true)); break;
        case 11: out[i] = view.getFloat64(i * 8, true); break;
        case 12: out[i] = view.getUint32(i * 4, true); break;
        case 13: out[i] = Number(view.getBigUint64(i * 8, true)); break;
        case 16: out[i] = bfloatToFloat(view.getUint16(i * 2, true)); break;
        default: throw new TransferkitError('CORRUPT_MODEL', `Tensor "${t.name ?? ''}" has data type ${DATA_TYPE_NAMES[type] ?? type}, which transferkit cannot read`, { where: t.name ?? undefined, hint: 'The file is damaged, or uses a tensor type this converter does not read; use the model as a frozen feature extractor (createOnnxExtractor) instead.' });
      }
    }
    return out;
  }
  let src: ArrayLike<number | { toNumber(): number }> | undefined;
  switch (type) {
    case 1: src = t.floatData ?? []; break;
    case 11: src = t.doubleData ?? []; break;
    case 7: src = (t.int64Data ?? []) as ArrayLike<number | { toNumber(): number }>; break;
    case 13: src = (t.uint64Data ?? []) as ArrayLike<number | { toNumber(): number }>; break;
    case 2: case 3: case 4: case 5: case 6: case 9: src = t.int32Data ?? []; break;
    case 10: {
      const halves = t.int32Data ?? [];
      for (let i = 0; i < n; i++) out[i] = halfToFloat(halves[i] ?? 0);
      return out;
    }
    case 16: {
      const halves = t.int32Data ?? [];
      for (let i = 0; i < n; i++) out[i] = bfloatToFloat(halves[i] ?? 0);
      return out;
    }
    default: throw new TransferkitError('CORRUPT_MODEL', `Tensor "${t.name ?? ''}" has data type ${DATA_TYPE_NAMES[type] ?? type}, which transferkit cannot read`, { where: t.name ?? undefined, hint: 'The file is damaged, or uses a tensor type this converter does not read; use the model as a frozen feature extractor (createOnnxExtractor) instead.' });
  }
  for (let i = 0; i < n; i++) out[i] = toNumber(src[i] as Int64);
  return out;
}

/**
 * How many elements a tensor's stored data holds (raw bytes / element size, or the typed field's
 * length); `undefined` when it cannot be told (strings, unknown types, external data).
 */
export function storedElements(t: Onnx.ITensorProto): number | undefined {
  const type = t.dataType ?? 0;
  if (t.dataLocation === 1) return undefined;
  if (t.rawData && t.rawData.length > 0) {
    const per = elementBytes(type);
    return per === undefined ? undefined : t.rawData.length / per;
  }
  switch (type) {
    case 1: return t.floatData?.length ?? 0;
    case 11: return t.doubleData?.length ?? 0;
    case 7: return t.int64Data?.length ?? 0;
    case 13: return t.uint64Data?.length ?? 0;
    case 2: case 3: case 4: case 5: case 6: case 9: case 10: case 16: return t.int32Data?.length ?? 0;
    default: return undefined;
  }
}

/** A node attribute's value, decoded by its declared type. */
export type AttrValue = number | string | number[] | string[] | Onnx.ITensorProto;

/**
 * Reads a node's attributes into a plain object (ints and floats as numbers, strings as text).
 *
 * @example
 * ```ts
 * const a = attributes(node); // { kernel_shape: [3, 3], strides: [2, 2], group: 1 }
 * ```
 */
export function attributes(node: Onnx.INodeProto): Record<string, AttrValue> {
  const out: Record<string, AttrValue> = {};
  for (const a of node.attribute ?? []) {
    const name = a.name ?? '';
    switch (a.type) {
      case AttrType.FLOAT: out[name] = a.f ?? 0; break;
      case AttrType.INT: out[name] = toNumber(a.i as Int64); break;
      case AttrType.STRING: out[name] = new TextDecoder().decode(a.s ?? new Uint8Array()); break;
      case AttrType.TENSOR: if (a.t) out[name] = a.t; break;
      case AttrType.FLOATS: out[name] = [...(a.floats ?? [])]; break;
      case AttrType.INTS: out[name] = (a.ints ?? []).map((v) => toNumber(v as Int64)); break;
      case AttrType.STRINGS: out[name] = (a.strings ?? []).map((s) => new TextDecoder().decode(s)); break;
      default: break; // graphs, sparse tensors, type protos: not used by the supported ops
    }
  }
  return out;
}

/**
 * The shape in a ValueInfoProto's tensor type: numbers for fixed dims, `null` for symbolic or
 * missing ones; `undefined` when the value has no tensor shape.
 */
export function valueInfoShape(v: Onnx.IValueInfoProto): (number | null)[] | undefined {
  const shape = v.type?.tensorType?.shape;
  if (!shape) return undefined;
  return (shape.dim ?? []).map((d) => {
    const n = d.dimValue === null || d.dimValue === undefined ? 0 : toNumber(d.dimValue as Int64);
    return d.dimParam || n <= 0 ? null : n;
  });
}

/** The symbolic name of each dim (`dim_param`), `''` for fixed ones. */
export function valueInfoDimNames(v: Onnx.IValueInfoProto): string[] {
  return (v.type?.tensorType?.shape?.dim ?? []).map((d) => d.dimParam ?? '');
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

function bfloatToFloat(b: number): number {
  const buf = new DataView(new ArrayBuffer(4));
  buf.setUint32(0, (b & 0xffff) << 16);
  return buf.getFloat32(0);
}
