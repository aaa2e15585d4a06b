const { Router } = require("express");

const router = Router();
router.get("/hello", (req, res) => res.json({ hello: "world" }));
module.exports = router;
