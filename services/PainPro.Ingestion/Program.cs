using PainPro.Ingestion;
using PainPro.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddIngestion();

var app = builder.Build();
app.MapServiceDefaults();
app.MapIngestion();
app.Run();
