SELECT timezone('Europe/Paris', timezone('UTC', "t")) AS "t"
FROM read_parquet('/data/fixtures/prepare-timezone-converter/in0/*.parquet')
