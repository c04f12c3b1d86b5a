// `npm run bench:stix`: the STIX and export steps of `npm run bench` alone (bench/run.js with
// TIX_BENCH_STEPS=stix,export unless set):
//   1. import of the ATT&CK Mobile bundle (4 MB, 2,148 objects, no indicators): wall and peak RSS (target < 2 s)
//   2. import of a generated STIX 2.1 bundle of TIX_BENCH_STIX_MB megabytes (default 1024; 0 skips):
//      objects/s, values/s and peak RSS (target < 1 GB RSS)
//   3. export of a store of TIX_BENCH_EXPORT_STORE values (default 1,000,000, the bench's plain list)
//      as STIX 2.1, CSV and Suricata: indicators/s, bytes and peak RSS (targets: RSS < 300 MB, CSV ≥ 100,000/s),
//      and the same exporters in process on synthetic indicators (bench/export.js)
// Prints figures; asserts nothing but that every step ran. See bench/README.md.
process.env.TIX_BENCH_STEPS ||= 'stix,export';
await import('./run.js');
