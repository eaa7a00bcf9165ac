// Swagger UI over the local OpenAPI document (served only to signed-in users); no CDN.
window.ui = SwaggerUIBundle({ url: "/api/openapi.json", dom_id: "#swagger-ui", deepLinking: true });
