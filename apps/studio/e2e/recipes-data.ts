// CSVs shared by the recipe editor specs.
export const SALES =
  "region,product,amount,day\nnorth,apple,10,2024-01-01\nsouth,pear,5,2024-01-02\nnorth,pear,2.5,2024-01-03\neast,apple,1,2024-01-04\nsouth,apple,5,2024-01-05\n";
export const REGIONS = "region,manager\nnorth,Ann\nsouth,Bob\nwest,Cid\n";
export const MORE_SALES = "region,amount\nwest,7\n";
