// The one ONNX encoder of the project: a subset of onnx.proto read with protobufjs, small graph-building helpers,
// encode (verified against the schema) and decode. Used by the demo pipeline (train writes model.onnx, evaluate
// reads its weights back) and by the fixture scripts (test/fixtures/onnxFixture.mjs imports this file directly,
// so it stays erasable TypeScript that Node runs as is: no enums, namespaces or parameter properties, and no
// relative imports).
import protobuf from 'protobufjs';

// Field numbers as in onnx/onnx.proto3 (IR version 8).
const ONNX_SUBSET = `
syntax = "proto3";
package onnx;
message AttributeProto {
  enum AttributeType { UNDEFINED = 0; FLOAT = 1; INT = 2; STRING = 3; TENSOR = 4; }
  string name = 1;
  int64 i = 3;
  AttributeType type = 20;
}
message ValueInfoProto { string name = 1; TypeProto type = 2; }
message NodeProto {
  repeated string input = 1;
  repeated string output = 2;
  string name = 3;
  string op_type = 4;
  repeated AttributeProto attribute = 5;
  string domain = 7;
}
message ModelProto {
  int64 ir_version = 1;
  string producer_name = 2;
  string producer_version = 3;
  string doc_string = 6;
  GraphProto graph = 7;
  repeated OperatorSetIdProto opset_import = 8;
}
message GraphProto {
  repeated NodeProto node = 1;
  string name = 2;
  repeated TensorProto initializer = 5;
  repeated ValueInfoProto input = 11;
  repeated ValueInfoProto output = 12;
}
message TensorProto {
  repeated int64 dims = 1;
  int32 data_type = 2;
  repeated float float_data = 4;
  repeated int64 int64_data = 7;
  string name = 8;
  repeated double double_data = 10;
}
message TensorShapeProto {
  message Dimension {
    oneof value { int64 dim_value = 1; string dim_param = 2; }
  }
  repeated Dimension dim = 1;
}
message TypeProto {
  message Tensor { int32 elem_type = 1; TensorShapeProto shape = 2; }
  oneof value { Tensor tensor_type = 1; }
}
message OperatorSetIdProto { string domain = 1; int64 version = 2; }
`;

export const DataType = { FLOAT: 1, INT64: 7, STRING: 8, BOOL: 9, DOUBLE: 11 } as const;
/** AttributeProto.AttributeType.INT */
export const INT_ATTRIBUTE = 2;
const IR_VERSION = 8;
const OPSET = 13;
const ModelProto = protobuf.parse(ONNX_SUBSET).root.lookupType('onnx.ModelProto');

export interface Attribute { name: string; type: number; i: number }
export interface OnnxNode { opType: string; name: string; input: string[]; output: string[]; attribute: Attribute[] }
export interface Initializer { name: string; dataType: number; dims: number[]; floatData?: number[]; int64Data?: number[]; doubleData?: number[] }
export interface ValueInfo { name: string; type: { tensorType: { elemType: number; shape: { dim: ({ dimParam: string } | { dimValue: number })[] } } } }
export interface Graph { node: OnnxNode[]; initializer?: Initializer[]; input: ValueInfo[]; output: ValueInfo[] }

/** A tensor value info with shape [N, width], or [N] when width is left out. */
export function valueInfo(name: string, elemType: number, width?: number): ValueInfo {
  const dim = width === undefined ? [{ dimParam: 'N' }] : [{ dimParam: 'N' }, { dimValue: width }];
  return { name, type: { tensorType: { elemType, shape: { dim } } } };
}

export function node(opType: string, inputs: string[], outputs: string[], attribute: Attribute[] = []): OnnxNode {
  return { opType, name: outputs[0], input: inputs, output: outputs, attribute };
}

/** ModelProto bytes (IR 8, opset 13), verified against the schema first. */
export function encodeModel(name: string, doc: string, graph: Graph, producer: string): Uint8Array {
  const model = {
    irVersion: IR_VERSION, producerName: `mlops-workbench ${producer}`, producerVersion: '1', docString: doc,
    opsetImport: [{ domain: '', version: OPSET }], graph: { name, ...graph },
  };
  const problem = ModelProto.verify(model);
  if (problem) throw new Error(`${name}: ${problem}`);
  return ModelProto.encode(ModelProto.create(model)).finish();
}

export interface DecodedTensor { name: string; dims: number[]; data: number[] }
export interface DecodedModel { producer: string; nodes: { opType: string; input: string[]; output: string[] }[]; initializers: Map<string, DecodedTensor> }

/** The graph of ONNX bytes as plain data (int64 values as numbers). Throws when the bytes are not a ModelProto. */
export function decodeModel(bytes: Uint8Array): DecodedModel {
  const m = ModelProto.toObject(ModelProto.decode(bytes), { longs: Number, defaults: true, arrays: true }) as {
    producerName: string; graph?: { node: { opType: string; input: string[]; output: string[] }[]; initializer: Initializer[] };
  };
  const initializers = new Map<string, DecodedTensor>();
  for (const t of m.graph?.initializer ?? []) {
    const data = t.floatData?.length ? t.floatData : t.doubleData?.length ? t.doubleData : t.int64Data ?? [];
    initializers.set(t.name, { name: t.name, dims: t.dims, data });
  }
  const nodes = (m.graph?.node ?? []).map(n => ({ opType: n.opType, input: n.input, output: n.output }));
  return { producer: m.producerName, nodes, initializers };
}
