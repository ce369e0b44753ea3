// The edtf package ships no types; dates.ts describes the parts it reads (EdtfValue).
declare module "edtf" {
  function edtf(input: string): unknown;
  export default edtf;
}
