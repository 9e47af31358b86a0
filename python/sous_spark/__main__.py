from sous_spark.server import main

main()
