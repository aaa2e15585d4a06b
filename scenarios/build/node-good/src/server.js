const express = require("express");
const routes = require("./routes");

const app = express();
app.use(express.static("public"));
app.use("/api", routes);
app.listen(3000, () => console.log("listening on 3000"));
