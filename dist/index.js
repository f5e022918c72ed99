import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 879:
/***/ (function(__unused_webpack_module, exports, __nccwpck_require__) {


var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    Object.defineProperty(o, k2, { enumerable: true, get: function() { return m[k]; } });
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || function (mod) {
    if (mod && mod.__esModule) return mod;
    var result = {};
    if (mod != null) for (var k in mod) if (k !== "default" && Object.hasOwnProperty.call(mod, k)) __createBinding(result, mod, k);
    __setModuleDefault(result, mod);
    return result;
};
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", ({ value: true }));
// This file is auto-generated, don't edit it
/**
 * This is for OpenApi Util
 */
const $tea = __importStar(__nccwpck_require__(671));
const tea_util_1 = __importDefault(__nccwpck_require__(129));
const kitx_1 = __importDefault(__nccwpck_require__(727));
const querystring_1 = __importDefault(__nccwpck_require__(480));
const crypto_1 = __importDefault(__nccwpck_require__(982));
const PEM_BEGIN = "-----BEGIN PRIVATE KEY-----\n";
const PEM_END = "\n-----END PRIVATE KEY-----";
function replaceRepeatList(target, repeat, prefix) {
    if (prefix) {
        prefix = prefix + '.';
    }
    for (var i = 0; i < repeat.length; i++) {
        var item = repeat[i];
        let key = prefix + (i + 1);
        if (typeof item === 'undefined' || item == null) {
            continue;
        }
        if (Array.isArray(item)) {
            replaceRepeatList(target, item, key);
        }
        else if (item instanceof Object) {
            flatMap(target, item, key);
        }
        else {
            target[key] = item.toString();
        }
    }
}
function flatMap(target, params, prefix = '') {
    if (prefix) {
        prefix = prefix + '.';
    }
    params = toMap(params);
    let keys = Object.keys(params);
    for (let i = 0; i < keys.length; i++) {
        let key = keys[i];
        let value = params[key];
        key = prefix + key;
        if (typeof value === 'undefined' || value == null) {
            continue;
        }
        if (Array.isArray(value)) {
            replaceRepeatList(target, value, key);
        }
        else if (value instanceof Object) {
            flatMap(target, value, key);
        }
        else {
            target[key] = value.toString();
        }
    }
    return target;
}
function filter(value) {
    return value.replace(/[\t\n\r\f]/g, ' ');
}
function getCanonicalizedHeaders(headers) {
    const prefix = 'x-acs-';
    const keys = Object.keys(headers);
    const canonicalizedKeys = [];
    for (let i = 0; i < keys.length; i++) {
        const key = keys[i];
        if (key.startsWith(prefix)) {
            canonicalizedKeys.push(key);
        }
    }
    canonicalizedKeys.sort();
    var result = '';
    for (let i = 0; i < canonicalizedKeys.length; i++) {
        const key = canonicalizedKeys[i];
        result += `${key}:${filter(headers[key]).trim()}\n`;
    }
    return result;
}
function getCanonicalizedResource(uriPattern, query) {
    const keys = !query ? [] : Object.keys(query).sort();
    if (keys.length === 0) {
        return uriPattern;
    }
    var result = [];
    for (var i = 0; i < keys.length; i++) {
        const key = keys[i];
        result.push(`${key}=${query[key]}`);
    }
    return `${uriPattern}?${result.join('&')}`;
}
function getAuthorizationQueryString(query) {
    let canonicalQueryArray = [];
    const keys = !query ? [] : Object.keys(query).sort();
    for (let i = 0; i < keys.length; i++) {
        const key = keys[i];
        let param = key + '=';
        if (typeof query[key] !== 'undefined' && query[key] !== null) {
            param = param + encode(query[key]);
        }
        canonicalQueryArray.push(param);
    }
    return canonicalQueryArray.join('&');
}
function getAuthorizationHeaders(header) {
    let canonicalheaders = "";
    let tmp = {};
    const keys = !header ? [] : Object.keys(header);
    for (let i = 0; i < keys.length; i++) {
        const key = keys[i];
        const lowerKey = keys[i].toLowerCase();
        if (lowerKey.startsWith("x-acs-") || lowerKey === "host" || lowerKey === "content-type") {
            if (tmp[lowerKey]) {
                tmp[lowerKey].push((header[key] || "").trim());
            }
            else {
                tmp[lowerKey] = [(header[key] || "").trim()];
            }
        }
    }
    var hsKeys = Object.keys(tmp).sort();
    for (let i = 0; i < hsKeys.length; i++) {
        const hsKey = hsKeys[i];
        let listSort = tmp[hsKey].sort();
        canonicalheaders += `${hsKey}:${listSort.join(",")}\n`;
    }
    return { canonicalheaders, hsKeys };
}
function encode(str) {
    var result = encodeURIComponent(str);
    return result.replace(/!/g, '%21')
        .replace(/'/g, '%27')
        .replace(/\(/g, '%28')
        .replace(/\)/g, '%29')
        .replace(/\*/g, '%2A');
}
function normalize(params) {
    var list = [];
    var flated = {};
    flatMap(flated, params);
    var keys = Object.keys(flated).sort();
    for (let i = 0; i < keys.length; i++) {
        var key = keys[i];
        var value = flated[key];
        list.push([encode(key), encode(value)]);
    }
    return list;
}
function canonicalize(normalized) {
    var fields = [];
    for (var i = 0; i < normalized.length; i++) {
        var [key, value] = normalized[i];
        fields.push(key + '=' + value);
    }
    return fields.join('&');
}
function isModelClass(t) {
    if (!t) {
        return false;
    }
    return typeof t.types === 'function' && typeof t.names === 'function';
}
function isObjectOrArray(t) {
    return Array.isArray(t) || (t instanceof Object && typeof t !== 'function');
}
function toMap(input) {
    if (!isObjectOrArray(input)) {
        return null;
    }
    else if (input instanceof $tea.Model) {
        return $tea.toMap(input);
    }
    else if (input && input.toMap && typeof input.toMap === 'function') {
        // 解决跨版本 Model 不互认的问题
        return input.toMap();
    }
    else if (Array.isArray(input)) {
        const result = [];
        input.forEach((value) => {
            if (isObjectOrArray(value)) {
                result.push(toMap(value));
            }
            else {
                result.push(value);
            }
        });
        return result;
    }
    else if (input instanceof Object) {
        const result = {};
        Object.entries(input).forEach(([key, value]) => {
            if (isObjectOrArray(value)) {
                result[key] = toMap(value);
            }
            else {
                result[key] = value;
            }
        });
        return result;
    }
}
class Client {
    /**
     * Convert all params of body other than type of readable into content
     * @param input source Model
     * @param output target Model
     * @return void
     */
    static convert(input, output) {
        if (!output) {
            return;
        }
        let inputModel = Object.assign({}, input);
        let constructor = output.constructor;
        let types = constructor.types();
        // let constructor = <any>output.constructor;
        for (let key of Object.keys(constructor.names())) {
            if (inputModel[key] !== null && inputModel[key] !== undefined) {
                if (isModelClass(types[key])) {
                    output[key] = new types[key](output[key]);
                    Client.convert(inputModel[key], output[key]);
                }
                else if (types[key] && types[key].type === 'array') {
                    output[key] = inputModel[key].map(function (d) {
                        if (isModelClass(types[key].itemType)) {
                            var item = new types[key].itemType({});
                            Client.convert(d, item);
                            return item;
                        }
                        return d;
                    });
                }
                else if (types[key] && types[key].type === 'map') {
                    output[key] = {};
                    Object.keys(inputModel[key]).map(function (d) {
                        if (isModelClass(types[key].valueType)) {
                            var item = new types[key].valueType({});
                            Client.convert(inputModel[key][d], item);
                            output[key][d] = item;
                        }
                        else {
                            output[key][d] = inputModel[key][d];
                        }
                    });
                }
                else {
                    output[key] = inputModel[key];
                }
            }
        }
    }
    /**
     * Get the string to be signed according to request
     * @param request  which contains signed messages
     * @return the signed string
     */
    static getStringToSign(request) {
        const method = request.method;
        const accept = request.headers['accept'];
        const contentMD5 = request.headers['content-md5'] || '';
        const contentType = request.headers['content-type'] || '';
        const date = request.headers['date'] || '';
        const header = `${method}\n${accept}\n${contentMD5}\n${contentType}\n${date}\n`;
        const canonicalizedHeaders = getCanonicalizedHeaders(request.headers);
        const canonicalizedResource = getCanonicalizedResource(request.pathname, request.query);
        return `${header}${canonicalizedHeaders}${canonicalizedResource}`;
    }
    /**
     * Get signature according to stringToSign, secret
     * @param stringToSign  the signed string
     * @param secret accesskey secret
     * @return the signature
     */
    static getROASignature(stringToSign, secret) {
        const utf8Buff = Buffer.from(stringToSign, 'utf8');
        return kitx_1.default.sha1(utf8Buff, secret, 'base64');
    }
    /**
     * Parse filter into a form string
     * @param filter object
     * @return the string
     */
    static toForm(filter) {
        if (!filter) {
            return '';
        }
        let target = {};
        flatMap(target, filter);
        return tea_util_1.default.toFormString(target);
    }
    /**
     * Get timestamp
     * @return the timestamp string
     */
    static getTimestamp() {
        let date = new Date();
        let YYYY = date.getUTCFullYear();
        let MM = kitx_1.default.pad2(date.getUTCMonth() + 1);
        let DD = kitx_1.default.pad2(date.getUTCDate());
        let HH = kitx_1.default.pad2(date.getUTCHours());
        let mm = kitx_1.default.pad2(date.getUTCMinutes());
        let ss = kitx_1.default.pad2(date.getUTCSeconds());
        return `${YYYY}-${MM}-${DD}T${HH}:${mm}:${ss}Z`;
    }
    /**
     * Parse filter into a object which's type is map[string]string
     * @param filter query param
     * @return the object
     */
    static query(filter) {
        if (!filter) {
            return {};
        }
        let ret = {};
        flatMap(ret, filter);
        return ret;
    }
    /**
     * Get signature according to signedParams, method and secret
     * @param signedParams params which need to be signed
     * @param method http method e.g. GET
     * @param secret AccessKeySecret
     * @return the signature
     */
    static getRPCSignature(signedParams, method, secret) {
        var normalized = normalize(signedParams);
        var canonicalized = canonicalize(normalized);
        var stringToSign = `${method}&${encode('/')}&${encode(canonicalized)}`;
        const key = secret + '&';
        return kitx_1.default.sha1(stringToSign, key, 'base64');
    }
    /**
     * Parse array into a string with specified style
     * @param array the array
     * @param prefix the prefix string
     * @style specified style e.g. repeatList
     * @return the string
     */
    static arrayToStringWithSpecifiedStyle(array, prefix, style) {
        if (!array) {
            return '';
        }
        if (style === 'repeatList') {
            let target = {};
            replaceRepeatList(target, array, prefix);
            return querystring_1.default.stringify(target, '&&');
        }
        else if (style === 'json') {
            return JSON.stringify(toMap(array));
        }
        else if (style === 'simple') {
            return array.join(',');
        }
        else if (style === 'spaceDelimited') {
            return array.join(' ');
        }
        else if (style === 'pipeDelimited') {
            return array.join('|');
        }
        else {
            return '';
        }
    }
    /**
     * Transform input as map.
     */
    static parseToMap(input) {
        return toMap(input);
    }
    static getEndpoint(endpoint, serverUse, endpointType) {
        if (endpointType == "internal") {
            let strs = endpoint.split(".");
            strs[0] += "-internal";
            endpoint = strs.join(".");
        }
        if (serverUse && endpointType == "accelerate") {
            return "oss-accelerate.aliyuncs.com";
        }
        return endpoint;
    }
    /**
    * Encode raw with base16
    * @param raw encoding data
    * @return encoded string
    */
    static hexEncode(raw) {
        return raw.toString("hex");
    }
    /**
     * Hash the raw data with signatureAlgorithm
     * @param raw hashing data
     * @param signatureAlgorithm the autograph method
     * @return hashed bytes
    */
    static hash(raw, signatureAlgorithm) {
        if (signatureAlgorithm === "ACS3-HMAC-SHA256" || signatureAlgorithm === "ACS3-RSA-SHA256") {
            const obj = crypto_1.default.createHash('sha256');
            obj.update(raw);
            return obj.digest();
        }
        else if (signatureAlgorithm == "ACS3-HMAC-SM3") {
            const obj = crypto_1.default.createHash('sm3');
            obj.update(raw);
            return obj.digest();
        }
    }
    static signatureMethod(secret, source, signatureAlgorithm) {
        if (signatureAlgorithm === "ACS3-HMAC-SHA256") {
            const obj = crypto_1.default.createHmac('sha256', secret);
            obj.update(source);
            return obj.digest();
        }
        else if (signatureAlgorithm === "ACS3-HMAC-SM3") {
            const obj = crypto_1.default.createHmac('sm3', secret);
            obj.update(source);
            return obj.digest();
        }
        else if (signatureAlgorithm === "ACS3-RSA-SHA256") {
            if (!secret.startsWith(PEM_BEGIN)) {
                secret = PEM_BEGIN + secret;
            }
            if (!secret.endsWith(PEM_END)) {
                secret = secret + PEM_END;
            }
            var signerObject = crypto_1.default.createSign("RSA-SHA256");
            signerObject.update(source);
            var signature = signerObject.sign({ key: secret, padding: crypto_1.default.constants.RSA_PKCS1_PADDING });
            return signature;
        }
    }
    /**
     * Get the authorization
     * @param request request params
     * @param signatureAlgorithm the autograph method
     * @param payload the hashed request
     * @param acesskey the acesskey string
     * @param accessKeySecret the accessKeySecret string
     * @return authorization string
     */
    static getAuthorization(request, signatureAlgorithm, payload, acesskey, accessKeySecret) {
        const canonicalURI = (request.pathname || "").replace("+", "%20").replace("*", "%2A").replace("%7E", "~");
        const method = request.method;
        const canonicalQueryString = getAuthorizationQueryString(request.query);
        const tuple = getAuthorizationHeaders(request.headers);
        const canonicalheaders = tuple["canonicalheaders"];
        const signedHeaders = tuple["hsKeys"];
        const canonicalRequest = method + "\n" + canonicalURI + "\n" + canonicalQueryString + "\n" + canonicalheaders + "\n" +
            signedHeaders.join(";") + "\n" + payload;
        let raw = Buffer.from(canonicalRequest);
        const stringToSign = signatureAlgorithm + "\n" + Client.hexEncode(Client.hash(raw, signatureAlgorithm));
        const signature = Client.hexEncode(Client.signatureMethod(accessKeySecret, stringToSign, signatureAlgorithm));
        const auth = `${signatureAlgorithm} Credential=${acesskey},SignedHeaders=${signedHeaders.join(';')},Signature=${signature}`;
        return auth;
    }
    static getEncodePath(path) {
        if (typeof path === 'undefined' || path === null) {
            return '';
        }
        let strs = path.split('/');
        for (let i = 0; i < strs.length; i++) {
            strs[i] = encode(strs[i]);
        }
        return strs.join('/');
    }
    static getEncodeParam(param) {
        if (typeof param === 'undefined' || param === null) {
            return '';
        }
        return encode(param);
    }
    /**
     * Transform a map to a flat style map where keys are prefixed with length info.
     * Map keys are transformed from "key" to "#length#key" format.
     * @param object the input object (can be a Model, Array, Map, or other types)
     * @return the transformed object
     */
    static mapToFlatStyle(object) {
        if (object === null || object === undefined) {
            return object;
        }
        if (Array.isArray(object)) {
            const list = [];
            for (let i = 0; i < object.length; i++) {
                list.push(Client.mapToFlatStyle(object[i]));
            }
            return list;
        }
        else if (object instanceof $tea.Model || (object && object.toMap && typeof object.toMap === 'function')) {
            // Handle TeaModel instances
            const map = object instanceof $tea.Model ? $tea.toMap(object) : object.toMap();
            const result = {};
            for (const key of Object.keys(map)) {
                const value = map[key];
                if (value !== null && value !== undefined && typeof value === 'object' && !Array.isArray(value) && !(value instanceof $tea.Model) && !(value.toMap && typeof value.toMap === 'function')) {
                    // It's a plain Map/object
                    const flatMap = {};
                    for (const entryKey of Object.keys(value)) {
                        flatMap[`#${entryKey.length}#${entryKey}`] = Client.mapToFlatStyle(value[entryKey]);
                    }
                    result[key] = flatMap;
                }
                else {
                    result[key] = Client.mapToFlatStyle(value);
                }
            }
            return result;
        }
        else if (typeof object === 'object') {
            // Handle plain Map/object
            const flatMap = {};
            for (const key of Object.keys(object)) {
                flatMap[`#${key.length}#${key}`] = Client.mapToFlatStyle(object[key]);
            }
            return flatMap;
        }
        return object;
    }
}
exports["default"] = Client;
//# sourceMappingURL=client.js.map

/***/ }),

/***/ 671:
/***/ (function(__unused_webpack_module, exports, __nccwpck_require__) {


var __extends = (this && this.__extends) || (function () {
    var extendStatics = function (d, b) {
        extendStatics = Object.setPrototypeOf ||
            ({ __proto__: [] } instanceof Array && function (d, b) { d.__proto__ = b; }) ||
            function (d, b) { for (var p in b) if (b.hasOwnProperty(p)) d[p] = b[p]; };
        return extendStatics(d, b);
    };
    return function (d, b) {
        extendStatics(d, b);
        function __() { this.constructor = d; }
        d.prototype = b === null ? Object.create(b) : (__.prototype = b.prototype, new __());
    };
})();
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    Object.defineProperty(o, k2, { enumerable: true, get: function() { return m[k]; } });
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || function (mod) {
    if (mod && mod.__esModule) return mod;
    var result = {};
    if (mod != null) for (var k in mod) if (k !== "default" && Object.hasOwnProperty.call(mod, k)) __createBinding(result, mod, k);
    __setModuleDefault(result, mod);
    return result;
};
var __awaiter = (this && this.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};
var __generator = (this && this.__generator) || function (thisArg, body) {
    var _ = { label: 0, sent: function() { if (t[0] & 1) throw t[1]; return t[1]; }, trys: [], ops: [] }, f, y, t, g;
    return g = { next: verb(0), "throw": verb(1), "return": verb(2) }, typeof Symbol === "function" && (g[Symbol.iterator] = function() { return this; }), g;
    function verb(n) { return function (v) { return step([n, v]); }; }
    function step(op) {
        if (f) throw new TypeError("Generator is already executing.");
        while (_) try {
            if (f = 1, y && (t = op[0] & 2 ? y["return"] : op[0] ? y["throw"] || ((t = y["return"]) && t.call(y), 0) : y.next) && !(t = t.call(y, op[1])).done) return t;
            if (y = 0, t) op = [op[0] & 2, t.value];
            switch (op[0]) {
                case 0: case 1: t = op; break;
                case 4: _.label++; return { value: op[1], done: false };
                case 5: _.label++; y = op[1]; op = [0]; continue;
                case 7: op = _.ops.pop(); _.trys.pop(); continue;
                default:
                    if (!(t = _.trys, t = t.length > 0 && t[t.length - 1]) && (op[0] === 6 || op[0] === 2)) { _ = 0; continue; }
                    if (op[0] === 3 && (!t || (op[1] > t[0] && op[1] < t[3]))) { _.label = op[1]; break; }
                    if (op[0] === 6 && _.label < t[1]) { _.label = t[1]; t = op; break; }
                    if (t && _.label < t[2]) { _.label = t[2]; _.ops.push(op); break; }
                    if (t[2]) _.ops.pop();
                    _.trys.pop(); continue;
            }
            op = body.call(thisArg, _);
        } catch (e) { op = [6, e]; y = 0; } finally { f = t = 0; }
        if (op[0] & 5) throw op[1]; return { value: op[0] ? op[1] : void 0, done: true };
    }
};
Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.isRetryable = exports.retryError = exports.newUnretryableError = exports.getBackoffTime = exports.allowRetry = exports.sleep = exports.cast = exports.Model = exports.toMap = exports.newError = exports.doAction = exports.Response = exports.Request = exports.BytesReadable = void 0;
var querystring = __importStar(__nccwpck_require__(480));
var http_1 = __nccwpck_require__(611);
var https_1 = __nccwpck_require__(692);
var stream_1 = __nccwpck_require__(203);
var httpx = __importStar(__nccwpck_require__(584));
var url_1 = __nccwpck_require__(16);
var BytesReadable = /** @class */ (function (_super) {
    __extends(BytesReadable, _super);
    function BytesReadable(value) {
        var _this = _super.call(this) || this;
        if (typeof value === 'string') {
            _this.value = Buffer.from(value);
        }
        else if (Buffer.isBuffer(value)) {
            _this.value = value;
        }
        return _this;
    }
    BytesReadable.prototype._read = function () {
        this.push(this.value);
        this.push(null);
    };
    return BytesReadable;
}(stream_1.Readable));
exports.BytesReadable = BytesReadable;
var Request = /** @class */ (function () {
    function Request() {
        this.headers = {};
        this.query = {};
    }
    return Request;
}());
exports.Request = Request;
var Response = /** @class */ (function () {
    function Response(httpResponse) {
        this.statusCode = httpResponse.statusCode;
        this.statusMessage = httpResponse.statusMessage;
        this.headers = this.convertHeaders(httpResponse.headers);
        this.body = httpResponse;
    }
    Response.prototype.convertHeaders = function (headers) {
        var results = {};
        var keys = Object.keys(headers);
        for (var index = 0; index < keys.length; index++) {
            var key = keys[index];
            results[key] = headers[key];
        }
        return results;
    };
    Response.prototype.readBytes = function () {
        return __awaiter(this, void 0, void 0, function () {
            var buff;
            return __generator(this, function (_a) {
                switch (_a.label) {
                    case 0: return [4 /*yield*/, httpx.read(this.body, '')];
                    case 1:
                        buff = _a.sent();
                        return [2 /*return*/, buff];
                }
            });
        });
    };
    return Response;
}());
exports.Response = Response;
function buildURL(request) {
    var url = request.protocol + "://" + request.headers['host'];
    if (request.port) {
        url += ":" + request.port;
    }
    url += "" + request.pathname;
    var urlInfo = url_1.parse(url);
    if (request.query && Object.keys(request.query).length > 0) {
        if (urlInfo.query) {
            url += "&" + querystring.stringify(request.query);
        }
        else {
            url += "?" + querystring.stringify(request.query);
        }
    }
    return url;
}
function isModelClass(t) {
    if (!t) {
        return false;
    }
    return typeof t.types === 'function' && typeof t.names === 'function';
}
function doAction(request, runtime) {
    if (runtime === void 0) { runtime = null; }
    return __awaiter(this, void 0, void 0, function () {
        var url, method, options, agentOptions, response;
        return __generator(this, function (_a) {
            switch (_a.label) {
                case 0:
                    url = buildURL(request);
                    method = (request.method || 'GET').toUpperCase();
                    options = {
                        method: method,
                        headers: request.headers
                    };
                    if (method !== 'GET' && method !== 'HEAD') {
                        options.data = request.body;
                    }
                    if (runtime) {
                        if (typeof runtime.timeout !== 'undefined') {
                            options.timeout = Number(runtime.timeout);
                        }
                        if (typeof runtime.readTimeout !== 'undefined') {
                            options.readTimeout = Number(runtime.readTimeout);
                        }
                        if (typeof runtime.connectTimeout !== 'undefined') {
                            options.connectTimeout = Number(runtime.connectTimeout);
                        }
                        if (typeof runtime.ignoreSSL !== 'undefined') {
                            options.rejectUnauthorized = !runtime.ignoreSSL;
                        }
                        if (typeof runtime.key !== 'undefined') {
                            options.key = String(runtime.key);
                        }
                        if (typeof runtime.cert !== 'undefined') {
                            options.cert = String(runtime.cert);
                        }
                        if (typeof runtime.ca !== 'undefined') {
                            options.ca = String(runtime.ca);
                        }
                        agentOptions = {
                            keepAlive: true,
                        };
                        if (typeof runtime.keepAlive !== 'undefined') {
                            agentOptions.keepAlive = runtime.keepAlive;
                            if (request.protocol && request.protocol.toLowerCase() === 'https') {
                                options.agent = new https_1.Agent(agentOptions);
                            }
                            else {
                                options.agent = new http_1.Agent(agentOptions);
                            }
                        }
                    }
                    return [4 /*yield*/, httpx.request(url, options)];
                case 1:
                    response = _a.sent();
                    return [2 /*return*/, new Response(response)];
            }
        });
    });
}
exports.doAction = doAction;
var ResponseError = /** @class */ (function (_super) {
    __extends(ResponseError, _super);
    function ResponseError(map) {
        var _this = _super.call(this, map.code + ": " + map.message) || this;
        _this.code = map.code;
        _this.data = map.data;
        _this.description = map.description;
        _this.accessDeniedDetail = map.accessDeniedDetail;
        if (_this.data && _this.data.statusCode) {
            _this.statusCode = Number(_this.data.statusCode);
        }
        return _this;
    }
    return ResponseError;
}(Error));
function newError(data) {
    return new ResponseError(data);
}
exports.newError = newError;
function getValue(type, value) {
    if (typeof type === 'string') {
        // basic type
        return value;
    }
    if (type.type === 'array') {
        if (!Array.isArray(value)) {
            throw new Error("expect: array, actual: " + typeof value);
        }
        return value.map(function (item) {
            return getValue(type.itemType, item);
        });
    }
    if (typeof type === 'function') {
        if (isModelClass(type)) {
            return new type(value);
        }
        return value;
    }
    return value;
}
function toMap(value) {
    if (value === void 0) { value = undefined; }
    if (typeof value === 'undefined' || value == null) {
        return null;
    }
    if (value instanceof Model) {
        return value.toMap();
    }
    // 如果是另一个版本的 tea-typescript 创建的 model，instanceof 会判断不通过
    // 这里做一下处理
    if (typeof value.toMap === 'function') {
        return value.toMap();
    }
    if (Array.isArray(value)) {
        return value.map(function (item) {
            return toMap(item);
        });
    }
    return value;
}
exports.toMap = toMap;
var Model = /** @class */ (function () {
    function Model(map) {
        var _this = this;
        if (map == null) {
            return;
        }
        var clz = this.constructor;
        var names = clz.names();
        var types = clz.types();
        Object.keys(names).forEach((function (name) {
            var value = map[name];
            if (value === undefined || value === null) {
                return;
            }
            var type = types[name];
            _this[name] = getValue(type, value);
        }));
    }
    Model.prototype.toMap = function () {
        var _this = this;
        var map = {};
        var clz = this.constructor;
        var names = clz.names();
        Object.keys(names).forEach((function (name) {
            var originName = names[name];
            var value = _this[name];
            if (typeof value === 'undefined' || value == null) {
                return;
            }
            map[originName] = toMap(value);
        }));
        return map;
    };
    return Model;
}());
exports.Model = Model;
function cast(obj, t) {
    if (!obj) {
        throw new Error('can not cast to Map');
    }
    if (typeof obj !== 'object') {
        throw new Error('can not cast to Map');
    }
    var map = obj;
    var clz = t.constructor;
    var names = clz.names();
    var types = clz.types();
    Object.keys(names).forEach(function (key) {
        var originName = names[key];
        var value = map[originName];
        var type = types[key];
        if (typeof value === 'undefined' || value == null) {
            return;
        }
        if (typeof type === 'string') {
            if (type === 'Readable' ||
                type === 'map' ||
                type === 'Buffer' ||
                type === 'any' ||
                typeof value === type) {
                t[key] = value;
                return;
            }
            if (type === 'string' &&
                (typeof value === 'number' ||
                    typeof value === 'boolean')) {
                t[key] = value.toString();
                return;
            }
            if (type === 'boolean') {
                if (value === 1 || value === 0) {
                    t[key] = !!value;
                    return;
                }
                if (value === 'true' || value === 'false') {
                    t[key] = value === 'true';
                    return;
                }
            }
            if (type === 'number' && typeof value === 'string') {
                if (value.match(/^\d*$/)) {
                    t[key] = parseInt(value);
                    return;
                }
                if (value.match(/^[\.\d]*$/)) {
                    t[key] = parseFloat(value);
                    return;
                }
            }
            throw new Error("type of " + key + " is mismatch, expect " + type + ", but " + typeof value);
        }
        else if (type.type === 'map') {
            if (!(value instanceof Object)) {
                throw new Error("type of " + key + " is mismatch, expect object, but " + typeof value);
            }
            t[key] = value;
        }
        else if (type.type === 'array') {
            if (!Array.isArray(value)) {
                throw new Error("type of " + key + " is mismatch, expect array, but " + typeof value);
            }
            if (typeof type.itemType === 'function') {
                t[key] = value.map(function (d) {
                    if (isModelClass(type.itemType)) {
                        return cast(d, new type.itemType({}));
                    }
                    return d;
                });
            }
            else {
                t[key] = value;
            }
        }
        else if (typeof type === 'function') {
            if (!(value instanceof Object)) {
                throw new Error("type of " + key + " is mismatch, expect object, but " + typeof value);
            }
            if (isModelClass(type)) {
                t[key] = cast(value, new type({}));
                return;
            }
            t[key] = value;
        }
        else {
        }
    });
    return t;
}
exports.cast = cast;
function sleep(ms) {
    return new Promise(function (resolve) {
        setTimeout(resolve, ms);
    });
}
exports.sleep = sleep;
function allowRetry(retry, retryTimes, startTime) {
    // 还未重试
    if (retryTimes === 0) {
        return true;
    }
    if (retry.retryable !== true) {
        return false;
    }
    if (retry.policy === 'never') {
        return false;
    }
    if (retry.policy === 'always') {
        return true;
    }
    if (retry.policy === 'simple') {
        return (retryTimes < retry['maxAttempts']);
    }
    if (retry.policy === 'timeout') {
        return Date.now() - startTime < retry.timeout;
    }
    if (retry.maxAttempts && typeof retry.maxAttempts === 'number') {
        return retry.maxAttempts >= retryTimes;
    }
    // 默认不重试
    return false;
}
exports.allowRetry = allowRetry;
function getBackoffTime(backoff, retryTimes) {
    if (retryTimes === 0) {
        // 首次调用，不使用退避策略
        return 0;
    }
    if (backoff.policy === 'no') {
        // 不退避
        return 0;
    }
    if (backoff.policy === 'fixed') {
        // 固定退避
        return backoff.period;
    }
    if (backoff.policy === 'random') {
        // 随机退避
        var min = backoff['minPeriod'];
        var max = backoff['maxPeriod'];
        return min + (max - min) * Math.random();
    }
    if (backoff.policy === 'exponential') {
        // 指数退避
        var init = backoff.initial;
        var multiplier = backoff.multiplier;
        var time = init * Math.pow(1 + multiplier, retryTimes - 1);
        var max = backoff.max;
        return Math.min(time, max);
    }
    if (backoff.policy === 'exponential_random') {
        // 指数随机退避
        var init = backoff.initial;
        var multiplier = backoff.multiplier;
        var time = init * Math.pow(1 + multiplier, retryTimes - 1);
        var max = backoff.max;
        return Math.min(time * (0.5 + Math.random()), max);
    }
    return 0;
}
exports.getBackoffTime = getBackoffTime;
var UnretryableError = /** @class */ (function (_super) {
    __extends(UnretryableError, _super);
    function UnretryableError(message) {
        var _this = _super.call(this, message) || this;
        _this.name = 'UnretryableError';
        return _this;
    }
    return UnretryableError;
}(Error));
function newUnretryableError(request) {
    var e = new UnretryableError('');
    e.data = {
        lastRequest: request
    };
    return e;
}
exports.newUnretryableError = newUnretryableError;
var RetryError = /** @class */ (function (_super) {
    __extends(RetryError, _super);
    function RetryError(message) {
        var _this = _super.call(this, message) || this;
        _this.name = 'RetryError';
        return _this;
    }
    return RetryError;
}(Error));
function retryError(request, response) {
    var e = new RetryError('');
    e.data = {
        request: request,
        response: response
    };
    return e;
}
exports.retryError = retryError;
function isRetryable(err) {
    if (typeof err === 'undefined' || err === null) {
        return false;
    }
    return err.name === 'RetryError';
}
exports.isRetryable = isRetryable;
//# sourceMappingURL=tea.js.map

/***/ }),

/***/ 129:
/***/ (function(__unused_webpack_module, exports, __nccwpck_require__) {


var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    Object.defineProperty(o, k2, { enumerable: true, get: function() { return m[k]; } });
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || function (mod) {
    if (mod && mod.__esModule) return mod;
    var result = {};
    if (mod != null) for (var k in mod) if (k !== "default" && Object.hasOwnProperty.call(mod, k)) __createBinding(result, mod, k);
    __setModuleDefault(result, mod);
    return result;
};
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.RuntimeOptions = exports.ExtendsParameters = void 0;
const stream_1 = __nccwpck_require__(203);
const $tea = __importStar(__nccwpck_require__(671));
const kitx = __importStar(__nccwpck_require__(727));
const querystring_1 = __importDefault(__nccwpck_require__(480));
const os_1 = __nccwpck_require__(857);
const DEFAULT_USER_AGENT = `AlibabaCloud (${os_1.platform()}; ${os_1.arch()}) Node.js/${process.version} Core/1.0.1 TeaDSL/1`;
class ExtendsParameters extends $tea.Model {
    constructor(map) {
        super(map);
    }
    static names() {
        return {
            headers: 'headers',
            queries: 'queries',
        };
    }
    static types() {
        return {
            headers: { 'type': 'map', 'keyType': 'string', 'valueType': 'string' },
            queries: { 'type': 'map', 'keyType': 'string', 'valueType': 'string' },
        };
    }
}
exports.ExtendsParameters = ExtendsParameters;
class RuntimeOptions extends $tea.Model {
    constructor(map) {
        super(map);
    }
    static names() {
        return {
            autoretry: 'autoretry',
            ignoreSSL: 'ignoreSSL',
            key: 'key',
            cert: 'cert',
            ca: 'ca',
            maxAttempts: 'max_attempts',
            backoffPolicy: 'backoff_policy',
            backoffPeriod: 'backoff_period',
            readTimeout: 'readTimeout',
            connectTimeout: 'connectTimeout',
            httpProxy: 'httpProxy',
            httpsProxy: 'httpsProxy',
            noProxy: 'noProxy',
            maxIdleConns: 'maxIdleConns',
            keepAlive: 'keepAlive',
            extendsParameters: 'extendsParameters',
        };
    }
    static types() {
        return {
            autoretry: 'boolean',
            ignoreSSL: 'boolean',
            key: 'string',
            cert: 'string',
            ca: 'string',
            maxAttempts: 'number',
            backoffPolicy: 'string',
            backoffPeriod: 'number',
            readTimeout: 'number',
            connectTimeout: 'number',
            httpProxy: 'string',
            httpsProxy: 'string',
            noProxy: 'string',
            maxIdleConns: 'number',
            keepAlive: 'boolean',
            extendsParameters: ExtendsParameters,
        };
    }
}
exports.RuntimeOptions = RuntimeOptions;
function read(readable) {
    return new Promise((resolve, reject) => {
        let onData, onError, onEnd;
        var cleanup = function () {
            // cleanup
            readable.removeListener('error', onError);
            readable.removeListener('data', onData);
            readable.removeListener('end', onEnd);
        };
        var bufs = [];
        var size = 0;
        onData = function (buf) {
            bufs.push(buf);
            size += buf.length;
        };
        onError = function (err) {
            cleanup();
            reject(err);
        };
        onEnd = function () {
            cleanup();
            resolve(Buffer.concat(bufs, size));
        };
        readable.on('error', onError);
        readable.on('data', onData);
        readable.on('end', onEnd);
    });
}
class Client {
    static toString(buff) {
        return buff.toString();
    }
    static parseJSON(text) {
        return JSON.parse(text);
    }
    static async readAsBytes(stream) {
        return await read(stream);
    }
    static async readAsString(stream) {
        let buff = await Client.readAsBytes(stream);
        return Client.toString(buff);
    }
    static async readAsJSON(stream) {
        return Client.parseJSON(await Client.readAsString(stream));
    }
    static getNonce() {
        return kitx.makeNonce();
    }
    static getDateUTCString() {
        const now = new Date();
        return now.toUTCString();
    }
    static defaultString(real, defaultValue) {
        return real || defaultValue;
    }
    static defaultNumber(real, defaultValue) {
        return real || defaultValue;
    }
    static toFormString(val) {
        return querystring_1.default.stringify(val);
    }
    static toJSONString(val) {
        if (typeof val === 'string') {
            return val;
        }
        return JSON.stringify(val);
    }
    static toBytes(val) {
        return Buffer.from(val);
    }
    static empty(val) {
        return !val;
    }
    static equalString(val1, val2) {
        return val1 === val2;
    }
    static equalNumber(val1, val2) {
        return val1 === val2;
    }
    static isUnset(value) {
        if (typeof value === 'undefined') {
            return true;
        }
        if (value === null) {
            return true;
        }
        return false;
    }
    static stringifyMapValue(m) {
        if (!m) {
            return m;
        }
        const result = {};
        for (const [key, value] of Object.entries(m)) {
            if (typeof value === 'undefined' || value === null) {
                continue;
            }
            result[key] = String(value);
        }
        return result;
    }
    static anyifyMapValue(m) {
        return m;
    }
    static assertAsBoolean(value) {
        if (typeof value === 'boolean') {
            return value;
        }
        throw new Error(`The value is not a boolean`);
    }
    static assertAsString(value) {
        if (typeof value === 'string') {
            return value;
        }
        throw new Error(`The value is not a string`);
    }
    static assertAsNumber(value) {
        if (typeof value === 'number') {
            return value;
        }
        throw new Error(`The value is not a number`);
    }
    /**
     * Assert a value, if it is a integer, return it, otherwise throws
     * @return the integer value
     */
    static assertAsInteger(value) {
        if (Number.isInteger(value)) {
            return value;
        }
        throw new Error(`The value is not a int number`);
    }
    static assertAsMap(value) {
        if (value && typeof value === 'object' && !Array.isArray(value)) {
            return value;
        }
        throw new Error(`The value is not a object`);
    }
    static assertAsArray(value) {
        if (Array.isArray(value)) {
            return value;
        }
        throw new Error(`The value is not array`);
    }
    static assertAsBytes(value) {
        if (Buffer.isBuffer(value)) {
            return value;
        }
        throw new Error(`The value is not bytes`);
    }
    static getUserAgent(userAgent) {
        if (!userAgent || !userAgent.length) {
            return DEFAULT_USER_AGENT;
        }
        return DEFAULT_USER_AGENT + " " + userAgent;
    }
    static is2xx(code) {
        return code >= 200 && code < 300;
    }
    static is3xx(code) {
        return code >= 300 && code < 400;
    }
    static is4xx(code) {
        return code >= 400 && code < 500;
    }
    static is5xx(code) {
        return code >= 500 && code < 600;
    }
    static validateModel(m) {
    }
    static toMap(inputModel) {
        return $tea.toMap(inputModel);
    }
    static async sleep(millisecond) {
        return new Promise(resolve => {
            setTimeout(() => {
                resolve();
            }, millisecond);
        });
    }
    static toArray(input) {
        if (!(input instanceof Array)) {
            return null;
        }
        let ret = [];
        input.forEach((model) => {
            if (!model) {
                return;
            }
            ret.push($tea.toMap(model));
        });
        return ret;
    }
    /**
     * Assert a value, if it is a readable, return it, otherwise throws
     * @return the readable value
     */
    static assertAsReadable(value) {
        if (value instanceof stream_1.Readable) {
            return value;
        }
        throw new Error(`The value is not a readable`);
    }
}
exports["default"] = Client;
//# sourceMappingURL=client.js.map

/***/ }),

/***/ 110:
/***/ ((module, exports, __nccwpck_require__) => {

/* eslint-env browser */

/**
 * This is the web browser implementation of `debug()`.
 */

exports.formatArgs = formatArgs;
exports.save = save;
exports.load = load;
exports.useColors = useColors;
exports.storage = localstorage();
exports.destroy = (() => {
	let warned = false;

	return () => {
		if (!warned) {
			warned = true;
			console.warn('Instance method `debug.destroy()` is deprecated and no longer does anything. It will be removed in the next major version of `debug`.');
		}
	};
})();

/**
 * Colors.
 */

exports.colors = [
	'#0000CC',
	'#0000FF',
	'#0033CC',
	'#0033FF',
	'#0066CC',
	'#0066FF',
	'#0099CC',
	'#0099FF',
	'#00CC00',
	'#00CC33',
	'#00CC66',
	'#00CC99',
	'#00CCCC',
	'#00CCFF',
	'#3300CC',
	'#3300FF',
	'#3333CC',
	'#3333FF',
	'#3366CC',
	'#3366FF',
	'#3399CC',
	'#3399FF',
	'#33CC00',
	'#33CC33',
	'#33CC66',
	'#33CC99',
	'#33CCCC',
	'#33CCFF',
	'#6600CC',
	'#6600FF',
	'#6633CC',
	'#6633FF',
	'#66CC00',
	'#66CC33',
	'#9900CC',
	'#9900FF',
	'#9933CC',
	'#9933FF',
	'#99CC00',
	'#99CC33',
	'#CC0000',
	'#CC0033',
	'#CC0066',
	'#CC0099',
	'#CC00CC',
	'#CC00FF',
	'#CC3300',
	'#CC3333',
	'#CC3366',
	'#CC3399',
	'#CC33CC',
	'#CC33FF',
	'#CC6600',
	'#CC6633',
	'#CC9900',
	'#CC9933',
	'#CCCC00',
	'#CCCC33',
	'#FF0000',
	'#FF0033',
	'#FF0066',
	'#FF0099',
	'#FF00CC',
	'#FF00FF',
	'#FF3300',
	'#FF3333',
	'#FF3366',
	'#FF3399',
	'#FF33CC',
	'#FF33FF',
	'#FF6600',
	'#FF6633',
	'#FF9900',
	'#FF9933',
	'#FFCC00',
	'#FFCC33'
];

/**
 * Currently only WebKit-based Web Inspectors, Firefox >= v31,
 * and the Firebug extension (any Firefox version) are known
 * to support "%c" CSS customizations.
 *
 * TODO: add a `localStorage` variable to explicitly enable/disable colors
 */

// eslint-disable-next-line complexity
function useColors() {
	// NB: In an Electron preload script, document will be defined but not fully
	// initialized. Since we know we're in Chrome, we'll just detect this case
	// explicitly
	if (typeof window !== 'undefined' && window.process && (window.process.type === 'renderer' || window.process.__nwjs)) {
		return true;
	}

	// Internet Explorer and Edge do not support colors.
	if (typeof navigator !== 'undefined' && navigator.userAgent && navigator.userAgent.toLowerCase().match(/(edge|trident)\/(\d+)/)) {
		return false;
	}

	let m;

	// Is webkit? http://stackoverflow.com/a/16459606/376773
	// document is undefined in react-native: https://github.com/facebook/react-native/pull/1632
	// eslint-disable-next-line no-return-assign
	return (typeof document !== 'undefined' && document.documentElement && document.documentElement.style && document.documentElement.style.WebkitAppearance) ||
		// Is firebug? http://stackoverflow.com/a/398120/376773
		(typeof window !== 'undefined' && window.console && (window.console.firebug || (window.console.exception && window.console.table))) ||
		// Is firefox >= v31?
		// https://developer.mozilla.org/en-US/docs/Tools/Web_Console#Styling_messages
		(typeof navigator !== 'undefined' && navigator.userAgent && (m = navigator.userAgent.toLowerCase().match(/firefox\/(\d+)/)) && parseInt(m[1], 10) >= 31) ||
		// Double check webkit in userAgent just in case we are in a worker
		(typeof navigator !== 'undefined' && navigator.userAgent && navigator.userAgent.toLowerCase().match(/applewebkit\/(\d+)/));
}

/**
 * Colorize log arguments if enabled.
 *
 * @api public
 */

function formatArgs(args) {
	args[0] = (this.useColors ? '%c' : '') +
		this.namespace +
		(this.useColors ? ' %c' : ' ') +
		args[0] +
		(this.useColors ? '%c ' : ' ') +
		'+' + module.exports.humanize(this.diff);

	if (!this.useColors) {
		return;
	}

	const c = 'color: ' + this.color;
	args.splice(1, 0, c, 'color: inherit');

	// The final "%c" is somewhat tricky, because there could be other
	// arguments passed either before or after the %c, so we need to
	// figure out the correct index to insert the CSS into
	let index = 0;
	let lastC = 0;
	args[0].replace(/%[a-zA-Z%]/g, match => {
		if (match === '%%') {
			return;
		}
		index++;
		if (match === '%c') {
			// We only are interested in the *last* %c
			// (the user may have provided their own)
			lastC = index;
		}
	});

	args.splice(lastC, 0, c);
}

/**
 * Invokes `console.debug()` when available.
 * No-op when `console.debug` is not a "function".
 * If `console.debug` is not available, falls back
 * to `console.log`.
 *
 * @api public
 */
exports.log = console.debug || console.log || (() => {});

/**
 * Save `namespaces`.
 *
 * @param {String} namespaces
 * @api private
 */
function save(namespaces) {
	try {
		if (namespaces) {
			exports.storage.setItem('debug', namespaces);
		} else {
			exports.storage.removeItem('debug');
		}
	} catch (error) {
		// Swallow
		// XXX (@Qix-) should we be logging these?
	}
}

/**
 * Load `namespaces`.
 *
 * @return {String} returns the previously persisted debug modes
 * @api private
 */
function load() {
	let r;
	try {
		r = exports.storage.getItem('debug') || exports.storage.getItem('DEBUG') ;
	} catch (error) {
		// Swallow
		// XXX (@Qix-) should we be logging these?
	}

	// If debug isn't set in LS, and we're in Electron, try to load $DEBUG
	if (!r && typeof process !== 'undefined' && 'env' in process) {
		r = process.env.DEBUG;
	}

	return r;
}

/**
 * Localstorage attempts to return the localstorage.
 *
 * This is necessary because safari throws
 * when a user disables cookies/localstorage
 * and you attempt to access it.
 *
 * @return {LocalStorage}
 * @api private
 */

function localstorage() {
	try {
		// TVMLKit (Apple TV JS Runtime) does not have a window object, just localStorage in the global context
		// The Browser also has localStorage in the global context.
		return localStorage;
	} catch (error) {
		// Swallow
		// XXX (@Qix-) should we be logging these?
	}
}

module.exports = __nccwpck_require__(897)(exports);

const {formatters} = module.exports;

/**
 * Map %j to `JSON.stringify()`, since no Web Inspectors do that by default.
 */

formatters.j = function (v) {
	try {
		return JSON.stringify(v);
	} catch (error) {
		return '[UnexpectedJSONParseError]: ' + error.message;
	}
};


/***/ }),

/***/ 897:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {


/**
 * This is the common logic for both the Node.js and web browser
 * implementations of `debug()`.
 */

function setup(env) {
	createDebug.debug = createDebug;
	createDebug.default = createDebug;
	createDebug.coerce = coerce;
	createDebug.disable = disable;
	createDebug.enable = enable;
	createDebug.enabled = enabled;
	createDebug.humanize = __nccwpck_require__(744);
	createDebug.destroy = destroy;

	Object.keys(env).forEach(key => {
		createDebug[key] = env[key];
	});

	/**
	* The currently active debug mode names, and names to skip.
	*/

	createDebug.names = [];
	createDebug.skips = [];

	/**
	* Map of special "%n" handling functions, for the debug "format" argument.
	*
	* Valid key names are a single, lower or upper-case letter, i.e. "n" and "N".
	*/
	createDebug.formatters = {};

	/**
	* Selects a color for a debug namespace
	* @param {String} namespace The namespace string for the debug instance to be colored
	* @return {Number|String} An ANSI color code for the given namespace
	* @api private
	*/
	function selectColor(namespace) {
		let hash = 0;

		for (let i = 0; i < namespace.length; i++) {
			hash = ((hash << 5) - hash) + namespace.charCodeAt(i);
			hash |= 0; // Convert to 32bit integer
		}

		return createDebug.colors[Math.abs(hash) % createDebug.colors.length];
	}
	createDebug.selectColor = selectColor;

	/**
	* Create a debugger with the given `namespace`.
	*
	* @param {String} namespace
	* @return {Function}
	* @api public
	*/
	function createDebug(namespace) {
		let prevTime;
		let enableOverride = null;
		let namespacesCache;
		let enabledCache;

		function debug(...args) {
			// Disabled?
			if (!debug.enabled) {
				return;
			}

			const self = debug;

			// Set `diff` timestamp
			const curr = Number(new Date());
			const ms = curr - (prevTime || curr);
			self.diff = ms;
			self.prev = prevTime;
			self.curr = curr;
			prevTime = curr;

			args[0] = createDebug.coerce(args[0]);

			if (typeof args[0] !== 'string') {
				// Anything else let's inspect with %O
				args.unshift('%O');
			}

			// Apply any `formatters` transformations
			let index = 0;
			args[0] = args[0].replace(/%([a-zA-Z%])/g, (match, format) => {
				// If we encounter an escaped % then don't increase the array index
				if (match === '%%') {
					return '%';
				}
				index++;
				const formatter = createDebug.formatters[format];
				if (typeof formatter === 'function') {
					const val = args[index];
					match = formatter.call(self, val);

					// Now we need to remove `args[index]` since it's inlined in the `format`
					args.splice(index, 1);
					index--;
				}
				return match;
			});

			// Apply env-specific formatting (colors, etc.)
			createDebug.formatArgs.call(self, args);

			const logFn = self.log || createDebug.log;
			logFn.apply(self, args);
		}

		debug.namespace = namespace;
		debug.useColors = createDebug.useColors();
		debug.color = createDebug.selectColor(namespace);
		debug.extend = extend;
		debug.destroy = createDebug.destroy; // XXX Temporary. Will be removed in the next major release.

		Object.defineProperty(debug, 'enabled', {
			enumerable: true,
			configurable: false,
			get: () => {
				if (enableOverride !== null) {
					return enableOverride;
				}
				if (namespacesCache !== createDebug.namespaces) {
					namespacesCache = createDebug.namespaces;
					enabledCache = createDebug.enabled(namespace);
				}

				return enabledCache;
			},
			set: v => {
				enableOverride = v;
			}
		});

		// Env-specific initialization logic for debug instances
		if (typeof createDebug.init === 'function') {
			createDebug.init(debug);
		}

		return debug;
	}

	function extend(namespace, delimiter) {
		const newDebug = createDebug(this.namespace + (typeof delimiter === 'undefined' ? ':' : delimiter) + namespace);
		newDebug.log = this.log;
		return newDebug;
	}

	/**
	* Enables a debug mode by namespaces. This can include modes
	* separated by a colon and wildcards.
	*
	* @param {String} namespaces
	* @api public
	*/
	function enable(namespaces) {
		createDebug.save(namespaces);
		createDebug.namespaces = namespaces;

		createDebug.names = [];
		createDebug.skips = [];

		const split = (typeof namespaces === 'string' ? namespaces : '')
			.trim()
			.replace(/\s+/g, ',')
			.split(',')
			.filter(Boolean);

		for (const ns of split) {
			if (ns[0] === '-') {
				createDebug.skips.push(ns.slice(1));
			} else {
				createDebug.names.push(ns);
			}
		}
	}

	/**
	 * Checks if the given string matches a namespace template, honoring
	 * asterisks as wildcards.
	 *
	 * @param {String} search
	 * @param {String} template
	 * @return {Boolean}
	 */
	function matchesTemplate(search, template) {
		let searchIndex = 0;
		let templateIndex = 0;
		let starIndex = -1;
		let matchIndex = 0;

		while (searchIndex < search.length) {
			if (templateIndex < template.length && (template[templateIndex] === search[searchIndex] || template[templateIndex] === '*')) {
				// Match character or proceed with wildcard
				if (template[templateIndex] === '*') {
					starIndex = templateIndex;
					matchIndex = searchIndex;
					templateIndex++; // Skip the '*'
				} else {
					searchIndex++;
					templateIndex++;
				}
			} else if (starIndex !== -1) { // eslint-disable-line no-negated-condition
				// Backtrack to the last '*' and try to match more characters
				templateIndex = starIndex + 1;
				matchIndex++;
				searchIndex = matchIndex;
			} else {
				return false; // No match
			}
		}

		// Handle trailing '*' in template
		while (templateIndex < template.length && template[templateIndex] === '*') {
			templateIndex++;
		}

		return templateIndex === template.length;
	}

	/**
	* Disable debug output.
	*
	* @return {String} namespaces
	* @api public
	*/
	function disable() {
		const namespaces = [
			...createDebug.names,
			...createDebug.skips.map(namespace => '-' + namespace)
		].join(',');
		createDebug.enable('');
		return namespaces;
	}

	/**
	* Returns true if the given mode name is enabled, false otherwise.
	*
	* @param {String} name
	* @return {Boolean}
	* @api public
	*/
	function enabled(name) {
		for (const skip of createDebug.skips) {
			if (matchesTemplate(name, skip)) {
				return false;
			}
		}

		for (const ns of createDebug.names) {
			if (matchesTemplate(name, ns)) {
				return true;
			}
		}

		return false;
	}

	/**
	* Coerce `val`.
	*
	* @param {Mixed} val
	* @return {Mixed}
	* @api private
	*/
	function coerce(val) {
		if (val instanceof Error) {
			return val.stack || val.message;
		}
		return val;
	}

	/**
	* XXX DO NOT USE. This is a temporary stub function.
	* XXX It WILL be removed in the next major release.
	*/
	function destroy() {
		console.warn('Instance method `debug.destroy()` is deprecated and no longer does anything. It will be removed in the next major version of `debug`.');
	}

	createDebug.enable(createDebug.load());

	return createDebug;
}

module.exports = setup;


/***/ }),

/***/ 830:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {

/**
 * Detect Electron renderer / nwjs process, which is node, but we should
 * treat as a browser.
 */

if (typeof process === 'undefined' || process.type === 'renderer' || process.browser === true || process.__nwjs) {
	module.exports = __nccwpck_require__(110);
} else {
	module.exports = __nccwpck_require__(108);
}


/***/ }),

/***/ 108:
/***/ ((module, exports, __nccwpck_require__) => {

/**
 * Module dependencies.
 */

const tty = __nccwpck_require__(18);
const util = __nccwpck_require__(23);

/**
 * This is the Node.js implementation of `debug()`.
 */

exports.init = init;
exports.log = log;
exports.formatArgs = formatArgs;
exports.save = save;
exports.load = load;
exports.useColors = useColors;
exports.destroy = util.deprecate(
	() => {},
	'Instance method `debug.destroy()` is deprecated and no longer does anything. It will be removed in the next major version of `debug`.'
);

/**
 * Colors.
 */

exports.colors = [6, 2, 3, 4, 5, 1];

try {
	// Optional dependency (as in, doesn't need to be installed, NOT like optionalDependencies in package.json)
	// eslint-disable-next-line import/no-extraneous-dependencies
	const supportsColor = __nccwpck_require__(450);

	if (supportsColor && (supportsColor.stderr || supportsColor).level >= 2) {
		exports.colors = [
			20,
			21,
			26,
			27,
			32,
			33,
			38,
			39,
			40,
			41,
			42,
			43,
			44,
			45,
			56,
			57,
			62,
			63,
			68,
			69,
			74,
			75,
			76,
			77,
			78,
			79,
			80,
			81,
			92,
			93,
			98,
			99,
			112,
			113,
			128,
			129,
			134,
			135,
			148,
			149,
			160,
			161,
			162,
			163,
			164,
			165,
			166,
			167,
			168,
			169,
			170,
			171,
			172,
			173,
			178,
			179,
			184,
			185,
			196,
			197,
			198,
			199,
			200,
			201,
			202,
			203,
			204,
			205,
			206,
			207,
			208,
			209,
			214,
			215,
			220,
			221
		];
	}
} catch (error) {
	// Swallow - we only care if `supports-color` is available; it doesn't have to be.
}

/**
 * Build up the default `inspectOpts` object from the environment variables.
 *
 *   $ DEBUG_COLORS=no DEBUG_DEPTH=10 DEBUG_SHOW_HIDDEN=enabled node script.js
 */

exports.inspectOpts = Object.keys(process.env).filter(key => {
	return /^debug_/i.test(key);
}).reduce((obj, key) => {
	// Camel-case
	const prop = key
		.substring(6)
		.toLowerCase()
		.replace(/_([a-z])/g, (_, k) => {
			return k.toUpperCase();
		});

	// Coerce string value into JS value
	let val = process.env[key];
	if (/^(yes|on|true|enabled)$/i.test(val)) {
		val = true;
	} else if (/^(no|off|false|disabled)$/i.test(val)) {
		val = false;
	} else if (val === 'null') {
		val = null;
	} else {
		val = Number(val);
	}

	obj[prop] = val;
	return obj;
}, {});

/**
 * Is stdout a TTY? Colored output is enabled when `true`.
 */

function useColors() {
	return 'colors' in exports.inspectOpts ?
		Boolean(exports.inspectOpts.colors) :
		tty.isatty(process.stderr.fd);
}

/**
 * Adds ANSI color escape codes if enabled.
 *
 * @api public
 */

function formatArgs(args) {
	const {namespace: name, useColors} = this;

	if (useColors) {
		const c = this.color;
		const colorCode = '\u001B[3' + (c < 8 ? c : '8;5;' + c);
		const prefix = `  ${colorCode};1m${name} \u001B[0m`;

		args[0] = prefix + args[0].split('\n').join('\n' + prefix);
		args.push(colorCode + 'm+' + module.exports.humanize(this.diff) + '\u001B[0m');
	} else {
		args[0] = getDate() + name + ' ' + args[0];
	}
}

function getDate() {
	if (exports.inspectOpts.hideDate) {
		return '';
	}
	return new Date().toISOString() + ' ';
}

/**
 * Invokes `util.formatWithOptions()` with the specified arguments and writes to stderr.
 */

function log(...args) {
	return process.stderr.write(util.formatWithOptions(exports.inspectOpts, ...args) + '\n');
}

/**
 * Save `namespaces`.
 *
 * @param {String} namespaces
 * @api private
 */
function save(namespaces) {
	if (namespaces) {
		process.env.DEBUG = namespaces;
	} else {
		// If you set a process.env field to null or undefined, it gets cast to the
		// string 'null' or 'undefined'. Just delete instead.
		delete process.env.DEBUG;
	}
}

/**
 * Load `namespaces`.
 *
 * @return {String} returns the previously persisted debug modes
 * @api private
 */

function load() {
	return process.env.DEBUG;
}

/**
 * Init logic for `debug` instances.
 *
 * Create a new `inspectOpts` object in case `useColors` is set
 * differently for a particular `debug` instance.
 */

function init(debug) {
	debug.inspectOpts = {};

	const keys = Object.keys(exports.inspectOpts);
	for (let i = 0; i < keys.length; i++) {
		debug.inspectOpts[keys[i]] = exports.inspectOpts[keys[i]];
	}
}

module.exports = __nccwpck_require__(897)(exports);

const {formatters} = module.exports;

/**
 * Map %o to `util.inspect()`, all on a single line.
 */

formatters.o = function (v) {
	this.inspectOpts.colors = this.useColors;
	return util.inspect(v, this.inspectOpts)
		.split('\n')
		.map(str => str.trim())
		.join(' ');
};

/**
 * Map %O to `util.inspect()`, allowing multiple lines if needed.
 */

formatters.O = function (v) {
	this.inspectOpts.colors = this.useColors;
	return util.inspect(v, this.inspectOpts);
};


/***/ }),

/***/ 813:
/***/ ((module) => {



module.exports = (flag, argv = process.argv) => {
	const prefix = flag.startsWith('-') ? '' : (flag.length === 1 ? '-' : '--');
	const position = argv.indexOf(prefix + flag);
	const terminatorPosition = argv.indexOf('--');
	return position !== -1 && (terminatorPosition === -1 || position < terminatorPosition);
};


/***/ }),

/***/ 584:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



const zlib = __nccwpck_require__(106);
const http = __nccwpck_require__(611);
const https = __nccwpck_require__(692);
const parse = (__nccwpck_require__(16).parse);
const format = (__nccwpck_require__(16).format);

const debugBody = __nccwpck_require__(830)('httpx:body');
const debugHeader = __nccwpck_require__(830)('httpx:header');

const httpAgent = new http.Agent({ keepAlive: true });
const httpsAgent = new https.Agent({ keepAlive: true });

const TIMEOUT = 3000; // 3s

const READ_TIMER = Symbol('TIMER::READ_TIMER');
const READ_TIME_OUT = Symbol('TIMER::READ_TIME_OUT');
const READ_TIMER_START_AT = Symbol('TIMER::READ_TIMER_START_AT');

/**
 * Check the content-encoding header, and auto decompress it.
 * @param {Readable} response http response
 * @returns Readable
 */
function decompress(response) {
  switch (response.headers['content-encoding']) {
  // or, just use zlib.createUnzip() to handle both cases
  case 'gzip':
    return response.pipe(zlib.createGunzip());
  case 'deflate':
    return response.pipe(zlib.createInflate());
  default:
    return response;
  }
}

var append = function (err, name, message) {
  err.name = name + err.name;
  err.message = `${message}. ${err.message}`;
  return err;
};

const isNumber = function (num) {
  return num !== null && !isNaN(num);
};

exports.request = function (url, opts) {
  opts || (opts = {});

  const parsed = typeof url === 'string' ? parse(url) : url;

  let readTimeout, connectTimeout;
  if (isNumber(opts.readTimeout) || isNumber(opts.connectTimeout)) {
    readTimeout = isNumber(opts.readTimeout) ? Number(opts.readTimeout) : TIMEOUT;
    connectTimeout = isNumber(opts.connectTimeout) ? Number(opts.connectTimeout) : TIMEOUT;
  } else if (isNumber(opts.timeout)) {
    readTimeout = connectTimeout = Number(opts.timeout);
  } else {
    readTimeout = connectTimeout = TIMEOUT;
  }

  const isHttps = parsed.protocol === 'https:';
  const method = (opts.method || 'GET').toUpperCase();
  const defaultAgent = isHttps ? httpsAgent : httpAgent;
  const agent = opts.agent || defaultAgent;

  var options = {
    host: parsed.hostname || 'localhost',
    path: parsed.path || '/',
    method: method,
    port: parsed.port || (parsed.protocol === 'https:' ? 443 : 80),
    agent: agent,
    headers: opts.headers || {},
    // ssl config
    key: opts.key || '',
    cert: opts.cert || '',
    ca: opts.ca || '',
    // connect timerout
    timeout: connectTimeout
  };

  if (isHttps && typeof opts.rejectUnauthorized !== 'undefined') {
    options.rejectUnauthorized = opts.rejectUnauthorized;
  }

  if (opts.compression) {
    options.headers['accept-encoding'] = 'gzip,deflate';
  }

  const httplib = isHttps ? https : http;

  if (typeof opts.beforeRequest === 'function') {
    options = opts.beforeRequest(options);
  }

  return new Promise((resolve, reject) => {
    const request = httplib.request(options);
    const body = opts.data;

    var fulfilled = (response) => {
      if (debugHeader.enabled) {
        const requestHeaders = response.req._header;
        requestHeaders.split('\r\n').forEach((line) => {
          debugHeader('> %s', line);
        });

        debugHeader('< HTTP/%s %s %s', response.httpVersion, response.statusCode, response.statusMessage);
        Object.keys(response.headers).forEach((key) => {
          debugHeader('< %s: %s', key, response.headers[key]);
        });
      }
      resolve(response);
    };

    var rejected = (err) => {
      err.message += `${method} ${format(parsed)} failed.`;
      // clear response timer when error
      if (request.socket && request.socket[READ_TIMER]) {
        clearTimeout(request.socket[READ_TIMER]);
      }
      reject(err);
    };

    var abort = (err) => {
      request.abort();
      rejected(err);
    };

    const startResponseTimer = function (socket) {
      const timer = setTimeout(() => {
        if (socket[READ_TIMER]) {
          clearTimeout(socket[READ_TIMER]);
          socket[READ_TIMER] = null;
        }
        var err = new Error();
        var message = `ReadTimeout(${readTimeout})`;
        abort(append(err, 'RequestTimeout', message));
      }, readTimeout);
      // start read-timer
      socket[READ_TIME_OUT] = readTimeout;
      socket[READ_TIMER] = timer;
      socket[READ_TIMER_START_AT] = Date.now();
      // don't block the loop
      timer.unref();
    };

    // string
    if (!body || 'string' === typeof body || body instanceof Buffer) {
      if (debugBody.enabled) {
        if (!body) {
          debugBody('<no request body>');
        } else if ('string' === typeof body) {
          debugBody(body);
        } else {
          debugBody(`Buffer <ignored>, Buffer length: ${body.length}`);
        }
      }
      request.end(body);
    } else if ('function' === typeof body.pipe) { // stream
      body.pipe(request);
      if (debugBody.enabled) {
        debugBody('<request body is a stream>');
      }
      body.once('error', (err) => {
        abort(append(err, 'HttpX', 'Stream occor error'));
      });
    }

    request.on('timeout', () => {
      var err = new Error();
      err.name = 'RequestTimeoutError';
      err.message = `ConnectTimeout: Connect ${url} failed.`;
      request.destroy();
      reject(err);
    });

    request.on('response', fulfilled);
    request.on('error', rejected);
    request.once('socket', function (socket) {
      // reuse socket
      if (socket.readyState === 'opening') {
        socket.once('connect', function () {
          startResponseTimer(socket);
        });
      } else {
        startResponseTimer(socket);
      }
    });
  });
};

exports.read = function (response, encoding) {
  const readable = decompress(response);

  return new Promise((resolve, reject) => {
    // node.js 14 use response.client
    const socket = response.socket || response.client;

    const makeReadTimeoutError = () => {
      const req = response.req;
      var err = new Error();
      err.name = 'RequestTimeoutError';
      err.message = `ReadTimeout: ${socket[READ_TIME_OUT]}. ${req.method} ${req.path} failed.`;
      return err;
    };
    // check read-timer
    let readTimer;
    const oldReadTimer = socket[READ_TIMER];
    if (!oldReadTimer) {
      reject(makeReadTimeoutError());
      return;
    }
    const remainTime = socket[READ_TIME_OUT] - (Date.now() - socket[READ_TIMER_START_AT]);
    clearTimeout(oldReadTimer);
    if (remainTime <= 0) {
      reject(makeReadTimeoutError());
      return;
    }
    readTimer = setTimeout(function () {
      reject(makeReadTimeoutError());
    }, remainTime);

    // start reading data
    var onError, onData, onEnd;
    var cleanup = function () {
      // cleanup
      readable.removeListener('error', onError);
      readable.removeListener('data', onData);
      readable.removeListener('end', onEnd);
      // clear read timer
      if (readTimer) {
        clearTimeout(readTimer);
      }
    };

    const bufs = [];
    var size = 0;

    onData = function (buf) {
      bufs.push(buf);
      size += buf.length;
    };

    onError = function (err) {
      cleanup();
      reject(err);
    };

    onEnd = function () {
      cleanup();
      var buff = Buffer.concat(bufs, size);

      debugBody('');
      if (encoding) {
        const result = buff.toString(encoding);
        debugBody(result);
        return resolve(result);
      }

      if (debugBody.enabled) {
        debugBody(buff.toString());
      }
      resolve(buff);
    };

    readable.on('error', onError);
    readable.on('data', onData);
    readable.on('end', onEnd);
  });
};

function readyToRead(readable) {
  return new Promise((resolve, reject) => {
    var onReadable, onEnd, onError;
    var cleanup = function () {
      // cleanup
      readable.removeListener('error', onError);
      readable.removeListener('end', onEnd);
      readable.removeListener('readable', onReadable);
    };

    onReadable = function () {
      cleanup();
      resolve(false);
    };

    onEnd = function () {
      cleanup();
      resolve(true);
    };

    onError = function (err) {
      cleanup();
      reject(err);
    };

    readable.once('readable', onReadable);
    readable.once('end', onEnd);
    readable.once('error', onError);
  });
}

class Event {
  constructor(id, event, data, retry) {
    this.id = id;
    this.event = event;
    this.data = data;
    this.retry = retry;
  }
}

exports.Event = Event;

const DATA_PREFIX = 'data:';
const EVENT_PREFIX = 'event:';
const ID_PREFIX = 'id:';
const RETRY_PREFIX = 'retry:';

function isDigitsOnly(str) {
  for (let i = 0; i < str.length; i++) {
    const c = str.charAt(i);
    if (c < '0' || c > '9') {
      return false;
    }
  }
  return str.length > 0;
}

function tryGetEvents(head, chunk) {
  const all = head + chunk;
  let start = 0;
  const events = [];
  for (let i = 0; i < all.length - 1; i++) {
    const c = all[i];
    const c2 = all[i + 1];
    if (c === '\n' && c2 === '\n') {
      const part = all.substring(start, i);
      const lines = part.split('\n');
      const event = new Event();
      lines.forEach((line) => {
        if (line.startsWith(DATA_PREFIX)) {
          event.data = line.substring(DATA_PREFIX.length).trim();
        } else if (line.startsWith(EVENT_PREFIX)) {
          event.event = line.substring(EVENT_PREFIX.length).trim();
        } else if (line.startsWith(ID_PREFIX)) {
          event.id = line.substring(ID_PREFIX.length).trim();
        } else if (line.startsWith(RETRY_PREFIX)) {
          const retry = line.substring(RETRY_PREFIX.length).trim();
          if (isDigitsOnly(retry)) {
            event.retry = parseInt(retry, 10);
          }
        } else if (line.startsWith(':')) {
          // ignore the line
        }
      });
      events.push(event);
      start = i + 2;
    }
  }

  const rest = all.substring(start);
  return [events, rest];
}

/**
 * consume response and parse to event stream
 * @param {ReadableStream} response 
 * @returns AsyncGenerator<Event, void, unknown>
 */
exports.readAsSSE = async function* (response) {
  const readable = decompress(response);

  const socket = response.socket || response.client;
  clearTimeout(socket[READ_TIMER]);

  let rest = '';

  while (true) {
    const ended = await readyToRead(readable);
    if (ended) {
      return;
    }

    let chunk;
    while (null !== (chunk = readable.read())) {
      const [ events, remain ] = tryGetEvents(rest, chunk.toString());
      rest = remain;
      if (events && events.length > 0) {
        for (const event of events) {
          yield event;
        }
      }
    }
  }
};


/***/ }),

/***/ 727:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



const fs = __nccwpck_require__(896);
const os = __nccwpck_require__(857);
const crypto = __nccwpck_require__(982);

/**
 * Load *.json file synchronous. Don't use require('*.json')
 * to load *.json files, it will cached in process.
 * @param {String} filename absolute file path
 * @return {Object} a parsed object
 */
exports.loadJSONSync = function (filename) {
  // strip BOM
  var content = fs.readFileSync(filename, 'utf8');
  if (content.charCodeAt(0) === 0xFEFF) {
    content = content.slice(1);
  }
  try {
    return JSON.parse(content);
  } catch (err) {
    err.message = filename + ': ' + err.message;
    throw err;
  }
};

/**
 * Encoding a string to Buffer safely
 * @param {String} str string.
 * @param {String} encoding. optional.
 * @return {Buffer} encoded buffer
 */
exports.encode = function (str, encoding) {
  if (typeof str !== 'string') {
    str = '' + str;
  }

  return Buffer.from(str, encoding);
};

/**
 * Generate a haser with specfied algorithm
 * @param {String} algorithm can be md5, etc.
 * @return {Function} a haser with specfied algorithm
 */
exports.makeHasher = function (algorithm) {
  return function (data, encoding) {
    var shasum = crypto.createHash(algorithm);
    shasum.update(data);
    return shasum.digest(encoding);
  };
};

exports.createHash = exports.makeHasher;

/**
 * Get md5 hash digests of data
 * @param {String|Buffer} data data.
 * @param {String} encoding optional. can be 'hex', 'binary', 'base64'.
 * @return {String|Buffer} if no encoding is provided, a buffer is returned.
 */
exports.md5 = exports.makeHasher('md5');

/**
 * Get sha1 hash digests of data
 * @param {String|Buffer} data data.
 * @param {String} key the key.
 * @param {String} encoding optionnal. can be 'hex', 'binary', 'base64'.
 * @return {String|Buffer} if no encoding is provided, a buffer is returned.
 */
exports.createHmac = function (algorithm) {
  return function (data, key, encoding) {
    return crypto.createHmac(algorithm, key).update(data).digest(encoding);
  };
};

/**
 * Get sha1 hash digests of data
 * @param {String|Buffer} data data.
 * @param {String} key the key.
 * @param {String} encoding optionnal. can be 'hex', 'binary', 'base64'.
 * @return {String|Buffer} if no encoding is provided, a buffer is returned.
 */
exports.sha1 = exports.createHmac('sha1');

/**
 * Get a random value in a range
 * @param {Number} min range start.
 * @param {Number} max range end.
 */
exports.random = function (min, max) {
  return Math.floor(min + Math.random() * (max - min));
};

/**
 * Generate a nonce string
 * @return {String} a nonce string.
 */
exports.makeNonce = (function () {
  var counter = 0;
  var last;
  const machine = os.hostname();
  const pid = process.pid;

  return function () {
    var val = Math.floor(Math.random() * 1000000000000);
    if (val === last) {
      counter++;
    } else {
      counter = 0;
    }

    last = val;

    var uid = `${machine}${pid}${val}${counter}`;
    return exports.md5(uid, 'hex');
  };
}());

/**
 * Pad a number as \d\d format
 * @param {Number} num a number that less than 100.
 * @return {String} if number less than 10, pad with 0,
 *  otherwise, returns string of number.
 */
exports.pad2 = function (num) {
  if (num < 10) {
    return '0' + num;
  }
  return '' + num;
};

/**
 * Pad a number as \d\d\d format
 * @param {Number} num a number that less than 1000.
 * @return {String} if number less than 100, pad with 0,
 *  otherwise, returns string of number.
 */
exports.pad3 = function (num) {
  if (num < 10) {
    return '00' + num;
  } else if (num < 100) {
    return '0' + num;
  }
  return '' + num;
};

/**
 * Return the YYYYMMDD format of a date.
 * @param {Date} date a Date object.
 * @return {String} the YYYYMMDD format.
 */
exports.getYYYYMMDD = function (date) {
  var YYYY = date.getFullYear();
  var MM = exports.pad2(date.getMonth() + 1);
  var DD = exports.pad2(date.getDate());
  return '' + YYYY + MM + DD;
};

/**
 * sleep a while.
 * @param {Number} in milliseconds
 * @return {Promise} a Promise
 */
exports.sleep = function (ms) {
  return new Promise((resolve) => {
    setTimeout(resolve, ms);
  });
};

/**
 * Get the IPv4 address
 * @return {String} the IPv4 address, or empty string
 */
exports.getIPv4 = function () {
  var interfaces = os.networkInterfaces();
  var keys = Object.keys(interfaces);
  for (var i = 0; i < keys.length; i++) {
    var key = keys[i];
    var addresses = interfaces[key];
    for (var j = 0; j < addresses.length; j++) {
      var item = addresses[j];
      if (!item.internal && item.family === 'IPv4') {
        return item.address;
      }
    }
  }

  // without non-internal address
  return '';
};

/**
 * Get the Mac address
 * @return {String} the Mac address
 */
exports.getMac = function () {
  var interfaces = os.networkInterfaces();
  var keys = Object.keys(interfaces);
  for (var i = 0; i < keys.length; i++) {
    var key = keys[i];
    var addresses = interfaces[key];
    for (var j = 0; j < addresses.length; j++) {
      var item = addresses[j];
      if (!item.internal && item.family === 'IPv4') {
        return item.mac;
      }
    }
  }

  // without non-internal address
  return '00:00:00:00:00:00';
};

/**
 * Read all bytes from a readable
 * @return {Readable} the readable stream
 * @return {Promise} a Promise with all bytes
 */
exports.readAll = function (readable) {
  return new Promise((resolve, reject) => {
    var onError, onData, onEnd;
    var cleanup = function (err) {
      // cleanup
      readable.removeListener('error', onError);
      readable.removeListener('data', onData);
      readable.removeListener('end', onEnd);
    };

    var bufs = [];
    var size = 0;

    onData = function (buf) {
      bufs.push(buf);
      size += buf.length;
    };

    onError = function (err) {
      cleanup();
      reject(err);
    };

    onEnd = function () {
      cleanup();
      resolve(Buffer.concat(bufs, size));
    };

    readable.on('error', onError);
    readable.on('data', onData);
    readable.on('end', onEnd);
  });
};

class SimpleCryptoHelper {
  constructor(algorithm, key, iv) {
    this.algorithm = algorithm;
    this.key = key;
    this.iv = iv;
  }

  encrypt(data, inputEncoding, outputEncoding) {
    const cipher = crypto.createCipheriv(this.algorithm, this.key, this.iv);
    let output = cipher.update(data, inputEncoding, outputEncoding);
    output += cipher.final(outputEncoding);
    return output;
  }

  decrypt(encrypted, inputEncoding, outputEncoding) {
    const decipher = crypto.createDecipheriv(this.algorithm, this.key, this.iv);
    let output = decipher.update(encrypted, inputEncoding, outputEncoding);
    output += decipher.final(outputEncoding);
    return output;
  }
}

// a simple helper for AES-192
const helper = new SimpleCryptoHelper(
  'aes-192-cbc',
  Buffer.from('keykeykeykeykeykeykeykey'), // 24 bytes, 192 bits
  Buffer.from('abcdefghijklmnop') // 16 bytes
);

exports.encrypt = function (data, inputEncoding, outputEncoding) {
  return helper.encrypt(data, inputEncoding, outputEncoding);
}

exports.decrypt = function (encrypted, inputEncoding, outputEncoding) {
  return helper.decrypt(encrypted, inputEncoding, outputEncoding);
}


/***/ }),

/***/ 744:
/***/ ((module) => {

/**
 * Helpers.
 */

var s = 1000;
var m = s * 60;
var h = m * 60;
var d = h * 24;
var w = d * 7;
var y = d * 365.25;

/**
 * Parse or format the given `val`.
 *
 * Options:
 *
 *  - `long` verbose formatting [false]
 *
 * @param {String|Number} val
 * @param {Object} [options]
 * @throws {Error} throw an error if val is not a non-empty string or a number
 * @return {String|Number}
 * @api public
 */

module.exports = function (val, options) {
  options = options || {};
  var type = typeof val;
  if (type === 'string' && val.length > 0) {
    return parse(val);
  } else if (type === 'number' && isFinite(val)) {
    return options.long ? fmtLong(val) : fmtShort(val);
  }
  throw new Error(
    'val is not a non-empty string or a valid number. val=' +
      JSON.stringify(val)
  );
};

/**
 * Parse the given `str` and return milliseconds.
 *
 * @param {String} str
 * @return {Number}
 * @api private
 */

function parse(str) {
  str = String(str);
  if (str.length > 100) {
    return;
  }
  var match = /^(-?(?:\d+)?\.?\d+) *(milliseconds?|msecs?|ms|seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h|days?|d|weeks?|w|years?|yrs?|y)?$/i.exec(
    str
  );
  if (!match) {
    return;
  }
  var n = parseFloat(match[1]);
  var type = (match[2] || 'ms').toLowerCase();
  switch (type) {
    case 'years':
    case 'year':
    case 'yrs':
    case 'yr':
    case 'y':
      return n * y;
    case 'weeks':
    case 'week':
    case 'w':
      return n * w;
    case 'days':
    case 'day':
    case 'd':
      return n * d;
    case 'hours':
    case 'hour':
    case 'hrs':
    case 'hr':
    case 'h':
      return n * h;
    case 'minutes':
    case 'minute':
    case 'mins':
    case 'min':
    case 'm':
      return n * m;
    case 'seconds':
    case 'second':
    case 'secs':
    case 'sec':
    case 's':
      return n * s;
    case 'milliseconds':
    case 'millisecond':
    case 'msecs':
    case 'msec':
    case 'ms':
      return n;
    default:
      return undefined;
  }
}

/**
 * Short format for `ms`.
 *
 * @param {Number} ms
 * @return {String}
 * @api private
 */

function fmtShort(ms) {
  var msAbs = Math.abs(ms);
  if (msAbs >= d) {
    return Math.round(ms / d) + 'd';
  }
  if (msAbs >= h) {
    return Math.round(ms / h) + 'h';
  }
  if (msAbs >= m) {
    return Math.round(ms / m) + 'm';
  }
  if (msAbs >= s) {
    return Math.round(ms / s) + 's';
  }
  return ms + 'ms';
}

/**
 * Long format for `ms`.
 *
 * @param {Number} ms
 * @return {String}
 * @api private
 */

function fmtLong(ms) {
  var msAbs = Math.abs(ms);
  if (msAbs >= d) {
    return plural(ms, msAbs, d, 'day');
  }
  if (msAbs >= h) {
    return plural(ms, msAbs, h, 'hour');
  }
  if (msAbs >= m) {
    return plural(ms, msAbs, m, 'minute');
  }
  if (msAbs >= s) {
    return plural(ms, msAbs, s, 'second');
  }
  return ms + ' ms';
}

/**
 * Pluralization helper.
 */

function plural(ms, msAbs, n, name) {
  var isPlural = msAbs >= n * 1.5;
  return Math.round(ms / n) + ' ' + name + (isPlural ? 's' : '');
}


/***/ }),

/***/ 450:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {


const os = __nccwpck_require__(857);
const tty = __nccwpck_require__(18);
const hasFlag = __nccwpck_require__(813);

const {env} = process;

let forceColor;
if (hasFlag('no-color') ||
	hasFlag('no-colors') ||
	hasFlag('color=false') ||
	hasFlag('color=never')) {
	forceColor = 0;
} else if (hasFlag('color') ||
	hasFlag('colors') ||
	hasFlag('color=true') ||
	hasFlag('color=always')) {
	forceColor = 1;
}

if ('FORCE_COLOR' in env) {
	if (env.FORCE_COLOR === 'true') {
		forceColor = 1;
	} else if (env.FORCE_COLOR === 'false') {
		forceColor = 0;
	} else {
		forceColor = env.FORCE_COLOR.length === 0 ? 1 : Math.min(parseInt(env.FORCE_COLOR, 10), 3);
	}
}

function translateLevel(level) {
	if (level === 0) {
		return false;
	}

	return {
		level,
		hasBasic: true,
		has256: level >= 2,
		has16m: level >= 3
	};
}

function supportsColor(haveStream, streamIsTTY) {
	if (forceColor === 0) {
		return 0;
	}

	if (hasFlag('color=16m') ||
		hasFlag('color=full') ||
		hasFlag('color=truecolor')) {
		return 3;
	}

	if (hasFlag('color=256')) {
		return 2;
	}

	if (haveStream && !streamIsTTY && forceColor === undefined) {
		return 0;
	}

	const min = forceColor || 0;

	if (env.TERM === 'dumb') {
		return min;
	}

	if (process.platform === 'win32') {
		// Windows 10 build 10586 is the first Windows release that supports 256 colors.
		// Windows 10 build 14931 is the first release that supports 16m/TrueColor.
		const osRelease = os.release().split('.');
		if (
			Number(osRelease[0]) >= 10 &&
			Number(osRelease[2]) >= 10586
		) {
			return Number(osRelease[2]) >= 14931 ? 3 : 2;
		}

		return 1;
	}

	if ('CI' in env) {
		if (['TRAVIS', 'CIRCLECI', 'APPVEYOR', 'GITLAB_CI', 'GITHUB_ACTIONS', 'BUILDKITE'].some(sign => sign in env) || env.CI_NAME === 'codeship') {
			return 1;
		}

		return min;
	}

	if ('TEAMCITY_VERSION' in env) {
		return /^(9\.(0*[1-9]\d*)\.|\d{2,}\.)/.test(env.TEAMCITY_VERSION) ? 1 : 0;
	}

	if (env.COLORTERM === 'truecolor') {
		return 3;
	}

	if ('TERM_PROGRAM' in env) {
		const version = parseInt((env.TERM_PROGRAM_VERSION || '').split('.')[0], 10);

		switch (env.TERM_PROGRAM) {
			case 'iTerm.app':
				return version >= 3 ? 3 : 2;
			case 'Apple_Terminal':
				return 2;
			// No default
		}
	}

	if (/-256(color)?$/i.test(env.TERM)) {
		return 2;
	}

	if (/^screen|^xterm|^vt100|^vt220|^rxvt|color|ansi|cygwin|linux/i.test(env.TERM)) {
		return 1;
	}

	if ('COLORTERM' in env) {
		return 1;
	}

	return min;
}

function getSupportLevel(stream) {
	const level = supportsColor(stream, stream && stream.isTTY);
	return translateLevel(level);
}

module.exports = {
	supportsColor: getSupportLevel,
	stdout: translateLevel(supportsColor(true, tty.isatty(1))),
	stderr: translateLevel(supportsColor(true, tty.isatty(2)))
};


/***/ }),

/***/ 770:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {

/* unused reexport */ __nccwpck_require__(218);


/***/ }),

/***/ 218:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {

var __webpack_unused_export__;


var net = __nccwpck_require__(278);
var tls = __nccwpck_require__(756);
var http = __nccwpck_require__(611);
var https = __nccwpck_require__(692);
var events = __nccwpck_require__(434);
var assert = __nccwpck_require__(613);
var util = __nccwpck_require__(23);


__webpack_unused_export__ = httpOverHttp;
__webpack_unused_export__ = httpsOverHttp;
__webpack_unused_export__ = httpOverHttps;
__webpack_unused_export__ = httpsOverHttps;


function httpOverHttp(options) {
  var agent = new TunnelingAgent(options);
  agent.request = http.request;
  return agent;
}

function httpsOverHttp(options) {
  var agent = new TunnelingAgent(options);
  agent.request = http.request;
  agent.createSocket = createSecureSocket;
  agent.defaultPort = 443;
  return agent;
}

function httpOverHttps(options) {
  var agent = new TunnelingAgent(options);
  agent.request = https.request;
  return agent;
}

function httpsOverHttps(options) {
  var agent = new TunnelingAgent(options);
  agent.request = https.request;
  agent.createSocket = createSecureSocket;
  agent.defaultPort = 443;
  return agent;
}


function TunnelingAgent(options) {
  var self = this;
  self.options = options || {};
  self.proxyOptions = self.options.proxy || {};
  self.maxSockets = self.options.maxSockets || http.Agent.defaultMaxSockets;
  self.requests = [];
  self.sockets = [];

  self.on('free', function onFree(socket, host, port, localAddress) {
    var options = toOptions(host, port, localAddress);
    for (var i = 0, len = self.requests.length; i < len; ++i) {
      var pending = self.requests[i];
      if (pending.host === options.host && pending.port === options.port) {
        // Detect the request to connect same origin server,
        // reuse the connection.
        self.requests.splice(i, 1);
        pending.request.onSocket(socket);
        return;
      }
    }
    socket.destroy();
    self.removeSocket(socket);
  });
}
util.inherits(TunnelingAgent, events.EventEmitter);

TunnelingAgent.prototype.addRequest = function addRequest(req, host, port, localAddress) {
  var self = this;
  var options = mergeOptions({request: req}, self.options, toOptions(host, port, localAddress));

  if (self.sockets.length >= this.maxSockets) {
    // We are over limit so we'll add it to the queue.
    self.requests.push(options);
    return;
  }

  // If we are under maxSockets create a new one.
  self.createSocket(options, function(socket) {
    socket.on('free', onFree);
    socket.on('close', onCloseOrRemove);
    socket.on('agentRemove', onCloseOrRemove);
    req.onSocket(socket);

    function onFree() {
      self.emit('free', socket, options);
    }

    function onCloseOrRemove(err) {
      self.removeSocket(socket);
      socket.removeListener('free', onFree);
      socket.removeListener('close', onCloseOrRemove);
      socket.removeListener('agentRemove', onCloseOrRemove);
    }
  });
};

TunnelingAgent.prototype.createSocket = function createSocket(options, cb) {
  var self = this;
  var placeholder = {};
  self.sockets.push(placeholder);

  var connectOptions = mergeOptions({}, self.proxyOptions, {
    method: 'CONNECT',
    path: options.host + ':' + options.port,
    agent: false,
    headers: {
      host: options.host + ':' + options.port
    }
  });
  if (options.localAddress) {
    connectOptions.localAddress = options.localAddress;
  }
  if (connectOptions.proxyAuth) {
    connectOptions.headers = connectOptions.headers || {};
    connectOptions.headers['Proxy-Authorization'] = 'Basic ' +
        new Buffer(connectOptions.proxyAuth).toString('base64');
  }

  debug('making CONNECT request');
  var connectReq = self.request(connectOptions);
  connectReq.useChunkedEncodingByDefault = false; // for v0.6
  connectReq.once('response', onResponse); // for v0.6
  connectReq.once('upgrade', onUpgrade);   // for v0.6
  connectReq.once('connect', onConnect);   // for v0.7 or later
  connectReq.once('error', onError);
  connectReq.end();

  function onResponse(res) {
    // Very hacky. This is necessary to avoid http-parser leaks.
    res.upgrade = true;
  }

  function onUpgrade(res, socket, head) {
    // Hacky.
    process.nextTick(function() {
      onConnect(res, socket, head);
    });
  }

  function onConnect(res, socket, head) {
    connectReq.removeAllListeners();
    socket.removeAllListeners();

    if (res.statusCode !== 200) {
      debug('tunneling socket could not be established, statusCode=%d',
        res.statusCode);
      socket.destroy();
      var error = new Error('tunneling socket could not be established, ' +
        'statusCode=' + res.statusCode);
      error.code = 'ECONNRESET';
      options.request.emit('error', error);
      self.removeSocket(placeholder);
      return;
    }
    if (head.length > 0) {
      debug('got illegal response body from proxy');
      socket.destroy();
      var error = new Error('got illegal response body from proxy');
      error.code = 'ECONNRESET';
      options.request.emit('error', error);
      self.removeSocket(placeholder);
      return;
    }
    debug('tunneling connection has established');
    self.sockets[self.sockets.indexOf(placeholder)] = socket;
    return cb(socket);
  }

  function onError(cause) {
    connectReq.removeAllListeners();

    debug('tunneling socket could not be established, cause=%s\n',
          cause.message, cause.stack);
    var error = new Error('tunneling socket could not be established, ' +
                          'cause=' + cause.message);
    error.code = 'ECONNRESET';
    options.request.emit('error', error);
    self.removeSocket(placeholder);
  }
};

TunnelingAgent.prototype.removeSocket = function removeSocket(socket) {
  var pos = this.sockets.indexOf(socket)
  if (pos === -1) {
    return;
  }
  this.sockets.splice(pos, 1);

  var pending = this.requests.shift();
  if (pending) {
    // If we have pending requests and a socket gets closed a new one
    // needs to be created to take over in the pool for the one that closed.
    this.createSocket(pending, function(socket) {
      pending.request.onSocket(socket);
    });
  }
};

function createSecureSocket(options, cb) {
  var self = this;
  TunnelingAgent.prototype.createSocket.call(self, options, function(socket) {
    var hostHeader = options.request.getHeader('host');
    var tlsOptions = mergeOptions({}, self.options, {
      socket: socket,
      servername: hostHeader ? hostHeader.replace(/:.*$/, '') : options.host
    });

    // 0 is dummy port for v0.6
    var secureSocket = tls.connect(0, tlsOptions);
    self.sockets[self.sockets.indexOf(socket)] = secureSocket;
    cb(secureSocket);
  });
}


function toOptions(host, port, localAddress) {
  if (typeof host === 'string') { // since v0.10
    return {
      host: host,
      port: port,
      localAddress: localAddress
    };
  }
  return host; // for v0.11 or later
}

function mergeOptions(target) {
  for (var i = 1, len = arguments.length; i < len; ++i) {
    var overrides = arguments[i];
    if (typeof overrides === 'object') {
      var keys = Object.keys(overrides);
      for (var j = 0, keyLen = keys.length; j < keyLen; ++j) {
        var k = keys[j];
        if (overrides[k] !== undefined) {
          target[k] = overrides[k];
        }
      }
    }
  }
  return target;
}


var debug;
if (process.env.NODE_DEBUG && /\btunnel\b/.test(process.env.NODE_DEBUG)) {
  debug = function() {
    var args = Array.prototype.slice.call(arguments);
    if (typeof args[0] === 'string') {
      args[0] = 'TUNNEL: ' + args[0];
    } else {
      args.unshift('TUNNEL:');
    }
    console.error.apply(console, args);
  }
} else {
  debug = function() {};
}
__webpack_unused_export__ = debug; // for test


/***/ }),

/***/ 407:
/***/ ((module, __unused_webpack___webpack_exports__, __nccwpck_require__) => {

__nccwpck_require__.a(module, async (__webpack_handle_async_dependencies__, __webpack_async_result__) => { try {
/* harmony import */ var _main_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(721);

await (0,_main_js__WEBPACK_IMPORTED_MODULE_0__/* .run */ .e)();
// Nothing is left to do: a socket a proxy never answered must not keep the step alive.
process.exit();

__webpack_async_result__();
} catch(e) { __webpack_async_result__(e); } }, 1);

/***/ }),

/***/ 721:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  e: () => (/* binding */ run)
});

;// CONCATENATED MODULE: ./src/net/errors.ts
/**
 * What can go wrong with one HTTP exchange before there is an answer to read,
 * as one error type with a kind: classification reads the kind, never the text.
 */
/** The code of an exchange not sent because the deadline left no time for it. */
const DEADLINE = 'DeadlineReached';
class TransportError extends Error {
    kind;
    code;
    reached;
    proxy;
    proxyStatus;
    constructor(facts, message) {
        super(message);
        this.name = 'TransportError';
        this.kind = facts.kind;
        this.code = facts.code;
        this.reached = facts.reached;
        this.proxy = facts.proxy;
        this.proxyStatus = facts.proxyStatus;
    }
}
/** Failures of the connection itself, in plain words. */
const NETWORK_WORDS = {
    ECONNREFUSED: 'the connection was refused',
    ECONNRESET: 'the connection was reset',
    ECONNABORTED: 'the connection was aborted',
    EPIPE: 'the connection was closed while sending',
    ETIMEDOUT: 'the connection timed out',
    EAI_AGAIN: 'the host name could not be resolved (temporary DNS failure)',
    ENOTFOUND: 'the host name could not be resolved',
    ENETUNREACH: 'the network is unreachable',
    EHOSTUNREACH: 'the host is unreachable'
};
/** Errors raised before a connection exists: the request cannot have reached the server. */
const BEFORE_CONNECT = new Set([
    'ECONNREFUSED',
    'EAI_AGAIN',
    'ENOTFOUND',
    'ENETUNREACH',
    'EHOSTUNREACH'
]);
/** Node's own error, turned into a TransportError by its code. */
function fromSocketError(error, sent, proxy) {
    if (error instanceof TransportError)
        return error;
    const code = typeof error.code === 'string' ? error.code : undefined;
    if (code?.startsWith('HPE_'))
        return new TransportError({ kind: 'framing', code, reached: true, proxy }, `the answer is not well-formed HTTP (${code})`);
    if (code && isTlsCode(code))
        return new TransportError({ kind: 'tls', code, reached: false, proxy }, `the server's TLS certificate was not accepted (${code}); if a proxy inspects TLS, give its CA certificate in NODE_EXTRA_CA_CERTS`);
    const words = code ? NETWORK_WORDS[code] : undefined;
    return new TransportError({
        kind: 'network',
        code: code ?? 'ConnectionError',
        reached: !BEFORE_CONNECT.has(code ?? '') && sent,
        proxy
    }, words ?? 'the connection was closed before an answer came');
}
function isTlsCode(code) {
    return (/^(ERR_TLS_|ERR_SSL_)/.test(code) ||
        /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY|DECRYPT)|DEPTH_ZERO/.test(code));
}

;// CONCATENATED MODULE: ./src/api/hints.ts
/** What to check, by the error's code: the last words of every API error. */
const HINTS = [
    [
        /^(AuthenticationFail\..*|EntityNotExist\.(Role|OIDCProvider)|InvalidParameter\.(RoleSessionName|DurationSeconds))$/,
        "check role-to-assume and oidc-provider-arn, and that the role's trust policy accepts this repository's GitHub ID token (issuer, audience, subject)"
    ],
    [
        /^InvalidImagePipeline\.NotFound$/,
        'check the image pipeline ID and that region-id is the region it lives in'
    ],
    [/^InvalidRegionId\.NotFound$/, 'check region-id'],
    [
        /^(SignatureDoesNotMatch|InvalidAccessKeyId\.NotFound|InvalidAccessKeyId|IncompleteSignature|InvalidAccessKeySecret)$/,
        'check the credentials: the AccessKey ID and secret must belong together and be enabled'
    ],
    [
        /^(InvalidTimeStamp\..*|RequestTimeTooSkewed|InvalidTimestamp.*|SignatureNonceUsed|IllegalTimestamp)$/,
        "check the runner's clock: requests are signed with its time, which must be within 15 minutes of the service's (is NTP running?)"
    ],
    [
        /^(InvalidSecurityToken\.(Expired|Malformed|MismatchWithAccessKey)|SecurityTokenExpired)$/,
        'the STS security token is expired or invalid; static STS credentials cannot be renewed, so use role-to-assume (GitHub OIDC) for builds that outlast them'
    ],
    [
        /^(Forbidden\.RAM|Forbidden|NoPermission|Forbidden\.AccessDenied)$/,
        'the RAM identity needs ecs:StartImagePipelineExecution, ecs:DescribeImagePipelineExecutions, ecs:DescribeImagePipelines and ecs:CancelImagePipelineExecution'
    ],
    [
        /^InvalidImagePipeline\.HasRunningExecution$/,
        'the pipeline already has a running execution; set if-running to wait or attach'
    ],
    [
        /Throttling/,
        "the account's API rate quota is shared with other runs, the console and other tools; fewer concurrent builds, or a longer poll-interval for the waits, leave more of it"
    ],
    [/^InvalidTag(Key|Value)\.Malformed|Duplicate\.TagKey$/, 'check the tags input'],
    [
        /^Invalid(Image|ImagePipeline)\.(BaseImageNotFound|NotFound|OSSObject.*)|InvalidImage\..*$/,
        'check the image pipeline (image template) settings in the ECS console'
    ],
    [
        /^(InvalidVSwitchId\.NotFound|InvalidInstanceType\.NotFound)$/,
        "check the pipeline's vSwitch and instance type"
    ],
    [
        /^ProxyRefused\.HTTP407$/,
        'the proxy asks for credentials: give them in the proxy URL (https_proxy=http://user:password@host:port)'
    ],
    [
        /^ProxyRefused\./,
        'check HTTPS_PROXY / HTTP_PROXY, and that the proxy may reach the host; NO_PROXY lists hosts reached directly'
    ],
    [
        /^(RequestTimeout|ConnectionError|ECONN(RESET|REFUSED|ABORTED)|EPIPE|ETIMEDOUT|EAI_AGAIN|ENOTFOUND|ENETUNREACH|EHOSTUNREACH|HPE_.*)$/,
        'check that the runner reaches the endpoint (region-id, endpoint, firewall, HTTPS_PROXY / NO_PROXY)'
    ]
];
function hintFor(code) {
    return HINTS.find(([pattern]) => pattern.test(code))?.[1];
}

;// CONCATENATED MODULE: ./src/api/errors.ts
/**
 * Errors the action raises. An ApiError carries what a user needs to act: the
 * operation, the resource, the API's code and message, the RequestId (what the
 * vendor's support asks for), and what to check. Whether retrying may help is
 * decided from the error's type and the answer's shape (api/answer.ts), never
 * by searching its text.
 */


class InputError extends Error {
    input;
    constructor(input, problem) {
        super(`Input "${input}" ${problem}`);
        this.input = input;
        this.name = 'InputError';
    }
}
class ApiError extends Error {
    operation;
    code;
    apiMessage;
    requestId;
    statusCode;
    resource;
    recommend;
    accessDeniedDetail;
    transient;
    throttled;
    retryAfterMs;
    reached;
    constructor(details) {
        const hint = hintFor(details.code);
        const parts = [
            `${details.operation}${details.resource ? ` (${details.resource})` : ''} failed: ${details.code}: ${details.message}`,
            details.requestId ? ` (RequestId: ${details.requestId})` : '',
            details.accessDeniedDetail ? `. Denied: ${details.accessDeniedDetail}` : '',
            hint ? `. Check: ${hint}` : '',
            details.recommend ? `. Recommend: ${details.recommend}` : ''
        ];
        super(parts.join(''));
        this.name = 'ApiError';
        this.operation = details.operation;
        this.code = details.code;
        this.apiMessage = details.message;
        this.requestId = details.requestId;
        this.statusCode = details.statusCode;
        this.resource = details.resource;
        this.recommend = details.recommend;
        this.accessDeniedDetail = details.accessDeniedDetail;
        this.transient = details.transient;
        this.throttled = details.throttled;
        this.retryAfterMs = details.retryAfterMs;
        this.reached = details.reached ?? true;
    }
    /** The same error with some details changed (its message rebuilt from them). */
    with(change) {
        return new ApiError({ ...this.details(), ...change });
    }
    details() {
        return {
            operation: this.operation,
            code: this.code,
            message: this.apiMessage,
            requestId: this.requestId,
            statusCode: this.statusCode,
            resource: this.resource,
            recommend: this.recommend,
            accessDeniedDetail: this.accessDeniedDetail,
            transient: this.transient,
            throttled: this.throttled,
            retryAfterMs: this.retryAfterMs,
            reached: this.reached
        };
    }
}
/** An answer that parsed but lacks what it must hold: worth a retry (a proxy's page, a cut body). */
function unparsable(operation, what, resource) {
    return new ApiError({
        operation,
        code: 'UnparsableResponse',
        message: what,
        resource,
        transient: true,
        throttled: false
    });
}
/** An answer whose content breaks the API's own rules (an ID that is not an ID): refused. */
function malformed(operation, what, resource) {
    return new ApiError({
        operation,
        code: 'MalformedResponse',
        message: what,
        resource,
        transient: false,
        throttled: false
    });
}
/** What a TransportError means for a retry: only a certificate, a cap or a deadline is final. */
const TRANSIENT_KINDS = new Set(['timeout', 'network', 'framing', 'encoding']);
/**
 * Whatever a call threw, as an ApiError: an ApiError as it is, a failed
 * exchange by its kind, anything else (a bug, not an answer) as it is, final.
 * `where` names the service and host for a failed exchange.
 */
function toApiError(operation, thrown, resource, where) {
    if (thrown instanceof ApiError)
        return thrown;
    if (thrown instanceof TransportError)
        return transportError(operation, thrown, resource, where);
    const error = thrown instanceof Error ? thrown : new Error(String(thrown));
    return new ApiError({
        operation,
        code: error.name || 'Error',
        message: error.message,
        resource,
        transient: false,
        throttled: false
    });
}
function transportError(operation, error, resource, where) {
    const proxyStatus = error.proxyStatus;
    return new ApiError({
        operation,
        code: error.kind === 'proxy' ? `ProxyRefused.HTTP${proxyStatus}` : (error.code ?? error.kind),
        message: `${error.message}${where ? ` (${where}${error.proxy ? `, through the proxy ${error.proxy}` : ''})` : ''}`,
        resource,
        transient: TRANSIENT_KINDS.has(error.kind) ||
            (error.kind === 'proxy' && proxyStatus !== undefined && proxyStatus >= 500),
        throttled: false,
        reached: error.reached
    });
}
/** The message of anything thrown. */
function describeError(error) {
    if (error instanceof Error)
        return error.message;
    return String(error);
}

;// CONCATENATED MODULE: ./src/clock.ts
const systemClock = {
    now: () => performance.now(),
    wall: () => Date.now(),
    sleep: (ms, signal) => new Promise((resolve) => {
        if (signal?.aborted || ms <= 0)
            return resolve();
        const onAbort = () => {
            clearTimeout(timer);
            resolve();
        };
        const timer = setTimeout(() => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
        }, ms);
        signal?.addEventListener('abort', onAbort, { once: true });
    })
};

;// CONCATENATED MODULE: ./src/constants.ts
/**
 * The names users type in their workflows and the names the two steps share:
 * inputs and outputs as action.yml declares them, and the post step's state.
 * Code and tests import them from here, so a name is spelled in one place.
 */
const ACTION_NAME = 'ecs-image-builder';
const Inputs = {
    RegionId: 'region-id',
    ImagePipelineId: 'image-pipeline-id',
    ImagePipelineName: 'image-pipeline-name',
    ExecutionId: 'execution-id',
    Tags: 'tags',
    Wait: 'wait',
    Timeout: 'timeout',
    PollInterval: 'poll-interval',
    MaxPollInterval: 'max-poll-interval',
    OnTimeout: 'on-timeout',
    CancelOnJobCancel: 'cancel-on-job-cancel',
    IfRunning: 'if-running',
    AllowPartialSuccess: 'allow-partial-success',
    ClientToken: 'client-token',
    AccessKeyId: 'access-key-id',
    AccessKeySecret: 'access-key-secret',
    SecurityToken: 'security-token',
    RoleToAssume: 'role-to-assume',
    OidcProviderArn: 'oidc-provider-arn',
    RoleSessionName: 'role-session-name',
    RoleSessionExpiration: 'role-session-expiration',
    Audience: 'audience',
    StsEndpoint: 'sts-endpoint',
    Endpoint: 'endpoint',
    EcsRamRole: 'ecs-ram-role',
    MetadataEndpoint: 'metadata-endpoint',
    ProvenanceTags: 'provenance-tags',
    PollHistory: 'poll-history'
};
const Outputs = {
    ExecutionId: 'execution-id',
    ImagePipelineId: 'image-pipeline-id',
    Status: 'status',
    ImageId: 'image-id',
    Message: 'message',
    DurationSeconds: 'duration-seconds'
};
/** What the main step tells the post step (GITHUB_STATE). */
const State = {
    ExecutionId: 'execution-id',
    /** 'true' when this step started the execution and is to cancel it if the run is cancelled. */
    Guard: 'guard',
    /** 'true' once the build ended or a cancel was accepted: the post step has nothing to do. */
    Done: 'done',
    CancelRequested: 'cancel-requested',
    /** Why the main step could not settle the build, when it tried: the post step says so, and does not repeat what cannot work. */
    CancelFailed: 'cancel-failed',
    /** 'true' when the service refused the step's credentials and they cannot be renewed. */
    CredentialsRefused: 'credentials-refused'
};

;// CONCATENATED MODULE: ./src/runner/text.ts
/**
 * Text is data, never markup or commands. Whatever the action writes for the
 * runner passes one of these, once, in ./runner.ts:
 * - `forLog`, for every log line, annotation and group title: the runner
 *   reads every line for workflow commands, as `::name::` at the start of a
 *   trimmed line and as the legacy `##[name]` anywhere in it (actions/runner
 *   `ActionCommand.TryParseV2` and `TryParse`): both are defused, and nothing
 *   can start a line of its own;
 * - `forOutput`, for outputs;
 * - `forSummary`, for every value in the job summary, which GitHub renders as
 *   GFM: HTML-escaped, one cell, no link, emphasis or autolink.
 * Unicode format characters (bidi overrides, zero-width characters) and lone
 * surrogates are shown escaped (`\u202E`) by all three, and all three cut text
 * to size.
 */
/** The most characters of one text kept anywhere (outputs, log lines, summary cells). */
const MAX_TEXT = 4096;
/** GitHub drops a step summary over 1 MiB: stay well under it. */
const MAX_SUMMARY_BYTES = 1024 * 1024 - 64 * 1024;
/** What an ExecutionId, ImageId or ImagePipelineId must look like. */
const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
/** At most `max` characters, marked when cut; never splits a surrogate pair. */
function cut(text, max = MAX_TEXT) {
    if (text.length <= max)
        return text;
    let end = max - 1;
    const code = text.charCodeAt(end - 1);
    if (code >= 0xd800 && code <= 0xdbff)
        end--;
    return `${text.slice(0, end)}…`;
}
/**
 * Controls, format characters, line and paragraph separators, every default
 * ignorable code point (the runner finds `::` and `##[` with .NET's
 * culture-aware search, which skips those: `#\u200B#[` would be found), and
 * (in `u` mode) lone surrogates.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{DI}\ud800-\udfff]/gu;
/** The same, but for line breaks, which a summary cell and an output keep. */
const INVISIBLE_BUT_BREAKS = /(?![\r\n])[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{DI}\ud800-\udfff]/gu;
const SHORT = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
function escapeInvisible(char) {
    const code = char.codePointAt(0).toString(16).toUpperCase();
    return SHORT[char] ?? (code.length > 4 ? `\\u{${code}}` : `\\u${code.padStart(4, '0')}`);
}
/** Every invisible character shown as an escape: nothing can hide, reorder or break the text. */
function showInvisible(text) {
    return text.replace(INVISIBLE, escapeInvisible);
}
/**
 * One log line: invisible characters escaped (so nothing after them can start
 * a line), a line that would begin a command (`::`) and every legacy command
 * opener (`##[`) defused.
 */
function forLog(message, max = 4 * MAX_TEXT) {
    const line = showInvisible(cut(message, max)).replace(/##\[/g, '##\\[');
    // The runner reads a line as a command when, trimmed, it starts with "::".
    return /^\s*::/.test(line) ? `\\:${line.trimStart().slice(1)}` : line;
}
/** An output's value: cut, its invisible characters (but line breaks) shown escaped. */
function forOutput(value) {
    return cut(value).replace(INVISIBLE_BUT_BREAKS, escapeInvisible);
}
const ENTITIES = {
    '&': '&amp;',
    '<': '&lt;',
    '>': '&gt;',
    '"': '&quot;',
    "'": '&#39;',
    '|': '&#124;',
    '`': '&#96;',
    '[': '&#91;',
    ']': '&#93;',
    '\\': '&#92;',
    '*': '&#42;',
    '~': '&#126;',
    $: '&#36;'
};
/**
 * An empty inline element where GFM would find an autolink (`scheme://`,
 * `www.`, `name@host`): it splits the text, so no renderer can join a link
 * across it, whether it finds links while parsing or in the text afterwards.
 */
const BREAK = '<wbr>';
function disarmAutolinks(html) {
    return html
        .replace(/:\/\//g, `:${BREAK}//`)
        .replace(/(www)\./gi, `$1${BREAK}.`)
        .replace(/@/g, `@${BREAK}`);
}
/**
 * One table cell of the summary: invisible characters shown escaped, HTML and
 * markdown escaped (no link, image, code, emphasis or math), autolinks
 * disarmed, line breaks as `<br>`, cut to size. A dash when empty.
 */
function forSummary(value) {
    if (value === undefined || value === '')
        return '–';
    return summaryText(cut(value)).replace(/\r\n|\r|\n/g, '<br>');
}
/** Text as a summary cell shows it, uncut (secrets.ts scrubs this form too). */
function summaryText(value) {
    const escaped = value
        .replace(INVISIBLE_BUT_BREAKS, escapeInvisible)
        .replace(/[&<>"'|`[\]\\*~$]/g, (char) => ENTITIES[char])
        // An underscore between letters or digits never starts emphasis (TEST_FAILED reads as it is).
        .replace(/(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/gu, '&#95;');
    return disarmAutolinks(escaped);
}
/** An ID the service gave, checked on arrival (ecs/client.ts), in code style. */
function idForSummary(id) {
    return ID.test(id) ? `\`${id}\`` : forSummary(id);
}
/** The summary, cut at a line when it would be too large for GitHub to show. */
function capSummary(markdown) {
    if (Buffer.byteLength(markdown) <= MAX_SUMMARY_BYTES)
        return markdown;
    let text = markdown.slice(0, MAX_SUMMARY_BYTES);
    while (Buffer.byteLength(text) > MAX_SUMMARY_BYTES - 100)
        text = text.slice(0, text.length - 1024);
    return `${text.slice(0, text.lastIndexOf('\n') + 1)}\n_(cut: the summary was over 1 MiB)_\n`;
}

;// CONCATENATED MODULE: ./src/api/parse.ts
/**
 * Defensive reading of API responses. The ECS pages show numbers that arrive as
 * strings, optional fields as the string "null" (`"RepairMode": "null"`), and
 * `Tags.Tag` that may be absent: docs/api-notes.md.
 */

/** A field's whole text, or undefined for null, "null", "", objects and the like. For secrets. */
function whole(value) {
    if (value === undefined || value === null || typeof value === 'object')
        return undefined;
    const result = String(value).trim();
    if (result === '' || result.toLowerCase() === 'null' || result === 'undefined')
        return undefined;
    return result;
}
/** A field's text, bounded in size on arrival, or undefined as `whole` says. */
function parse_text(value) {
    const result = whole(value);
    return result === undefined ? undefined : cut(result);
}
function record(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value)
        ? value
        : {};
}
/** `{ "X": { "Y": [...] } }` or `{ "X": { "Y": {...} } }` (a lone item) or nothing → array. */
function list(container, outer, inner) {
    const items = record(record(container)[outer])[inner];
    if (Array.isArray(items))
        return items.map(record);
    if (typeof items === 'object' && items !== null)
        return [record(items)];
    return [];
}

// EXTERNAL MODULE: ./node_modules/@alicloud/openapi-util/dist/client.js
var client = __nccwpck_require__(879);
// EXTERNAL MODULE: ./node_modules/@alicloud/tea-util/dist/client.js
var dist_client = __nccwpck_require__(129);
;// CONCATENATED MODULE: external "node:querystring"
const external_node_querystring_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:querystring");
;// CONCATENATED MODULE: ./src/api/answer.ts


/** Codes that say retrying may help, beyond throttling and 5xx. */
const TRANSIENT_CODES = new Set([
    'ServiceUnavailable',
    'InternalError',
    'UnknownError',
    'StartImagePipelineExecution.Failed',
    'OperationConflict',
    'LastTokenProcessing',
    'IdempotentProcessing'
]);
/** The result object, or the ApiError the answer stands for. */
function readAnswer(response, context) {
    const parsed = parseJson(response.body);
    const body = isObject(parsed) ? parsed : undefined;
    if (body && isErrorCode(body.Code))
        throw vendorError(response, body, context);
    if (body && response.status >= 200 && response.status < 300)
        return body;
    throw notTheVendors(response, parsed, context);
}
function parseJson(body) {
    try {
        return JSON.parse(body.toString('utf8'));
    }
    catch {
        return NOT_JSON;
    }
}
const NOT_JSON = Symbol('not JSON');
function isObject(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
function isErrorCode(code) {
    return typeof code === 'string' && code.trim() !== '' && code !== '200';
}
function vendorError(response, body, { operation, resource }) {
    const code = parse_text(body.Code);
    const status = response.status;
    const throttled = /Throttling/i.test(code) || status === 429;
    return new ApiError({
        operation,
        resource,
        code,
        message: parse_text(body.Message) ?? `HTTP ${status}`,
        requestId: parse_text(body.RequestId) ?? requestIdHeader(response),
        recommend: parse_text(body.Recommend),
        accessDeniedDetail: deniedDetail(body.AccessDeniedDetail),
        statusCode: status,
        transient: throttled || TRANSIENT_CODES.has(code) || status >= 500,
        throttled,
        retryAfterMs: retryAfterMs(response)
    });
}
function notTheVendors(response, parsed, { operation, resource }) {
    const status = response.status;
    const ok = status >= 200 && status < 300;
    const throttled = status === 429;
    const what = describeBody(response, parsed);
    return new ApiError({
        operation,
        resource,
        code: ok ? 'UnparsableResponse' : `HTTP${status}`,
        message: ok
            ? `HTTP ${status} with ${what}, not the service's JSON object`
            : `HTTP ${status}, with ${what} (not the service's error object: a proxy or gateway may have answered)`,
        requestId: requestIdHeader(response),
        statusCode: status,
        transient: ok || throttled || status >= 500,
        throttled,
        retryAfterMs: retryAfterMs(response)
    });
}
/** What kind of body it was, in a few words, never its content. */
function describeBody(response, parsed) {
    if (response.body.length === 0)
        return 'no body';
    if (parsed !== NOT_JSON)
        return `a JSON ${parsed === null ? 'null' : Array.isArray(parsed) ? 'array' : typeof parsed}`;
    const type = String(response.headers['content-type'] ?? '');
    const kind = /html/i.test(type)
        ? 'an HTML page'
        : /xml/i.test(type)
            ? 'an XML document'
            : 'a body';
    return `${kind} that is not JSON (${response.body.length} bytes)`;
}
function requestIdHeader(response) {
    return parse_text(response.headers['x-acs-request-id']);
}
/** The vendor's SDKs wait at most this long for `x-acs-retry-after` (@darabonba/typescript MAX_DELAY_TIME). */
const MAX_RETRY_AFTER_MS = 120_000;
/**
 * The vendor's `x-acs-retry-after`: how long to wait before the next try, in
 * milliseconds, as the vendor's SDKs read it, and bounded as they bound it.
 */
function retryAfterMs(response) {
    const value = Number(parse_text(response.headers['x-acs-retry-after']));
    if (!Number.isFinite(value) || value <= 0)
        return undefined;
    return Math.min(Math.round(value), MAX_RETRY_AFTER_MS);
}
/** The service's clock, from the answer's Date header: to compare with times it gives. */
function serverTime(response) {
    const date = Date.parse(String(response.headers.date ?? ''));
    return Number.isFinite(date) ? date : undefined;
}
/** AccessDeniedDetail comes as an object (AuthAction, AuthPrincipalDisplayName, …) or a string. */
function deniedDetail(value) {
    if (typeof value !== 'object' || value === null)
        return parse_text(value);
    const fields = Object.entries(record(value))
        .map(([name, field]) => [name, parse_text(typeof field === 'object' ? JSON.stringify(field) : field)])
        .filter(([, field]) => field !== undefined)
        .map(([name, field]) => `${name}=${field}`);
    return fields.length ? fields.join(', ') : undefined;
}

;// CONCATENATED MODULE: external "node:async_hooks"
const external_node_async_hooks_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:async_hooks");
;// CONCATENATED MODULE: external "node:http"
const external_node_http_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http");
;// CONCATENATED MODULE: external "node:https"
const external_node_https_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:https");
;// CONCATENATED MODULE: external "node:util"
const external_node_util_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util");
;// CONCATENATED MODULE: external "node:zlib"
const external_node_zlib_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:zlib");
;// CONCATENATED MODULE: ./src/net/exchange.ts
/**
 * The one way any request leaves the action (ECS, STS, the GitHub ID token,
 * the instance metadata service), and so the one place that bounds it:
 * - a hard limit on the whole exchange, set here (the service's own limit,
 *   never past the caller's deadline), whatever the sockets do;
 * - no request sent when the deadline leaves no time for it;
 * - a cancelled run ends it at once;
 * - at most MAX_RESPONSE_BYTES of answer, counted on the wire and again after
 *   any decompression;
 * - through the proxy the environment names, or none (./proxy.ts).
 * It returns the status, the headers and the body's bytes; what they mean is
 * for the caller (api/answer.ts).
 */






const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
/** The longest one exchange may take, unless the service's own limit is shorter. */
const MAX_EXCHANGE_MS = 15_000;
/** Not worth sending with less time than this left before the deadline. */
const MIN_EXCHANGE_MS = 1_000;
const scopes = new external_node_async_hooks_namespaceObject.AsyncLocalStorage();
/**
 * Runs `call` with every exchange it makes bounded by `scope`, and by the
 * scope it runs in, if any: an inner call (credentials renewed for a poll)
 * never outlives the outer one's deadline, and ends with its cancellation.
 */
function withinScope(scope, call) {
    const outer = scopes.getStore();
    const inner = outer
        ? {
            clock: scope.clock,
            deadline: Math.min(scope.deadline, outer.deadline),
            signal: scope.signal ?? outer.signal
        }
        : scope;
    return scopes.run(inner, call);
}
/** Runs `call` outside any scope: a cancel has a budget of its own, whoever asks for it. */
function outsideScope(call) {
    return scopes.exit(call);
}
/** The scope calls made now run in, if any. */
function currentScope() {
    return scopes.getStore();
}
/** How long the next exchange may take, or 0 when it must not be sent. */
function exchangeLimitMs(ownLimitMs = MAX_EXCHANGE_MS) {
    const limit = Math.min(ownLimitMs, MAX_EXCHANGE_MS);
    const scope = scopes.getStore();
    if (!scope)
        return limit;
    const left = scope.deadline - scope.clock.now();
    return left < Math.min(MIN_EXCHANGE_MS, limit) ? 0 : Math.min(limit, left);
}
/** One exchange, bounded as the file's comment says. */
async function exchange(request, route) {
    const limitMs = exchangeLimitMs(request.limitMs);
    const { agent, proxy } = route(request.url);
    if (limitMs === 0)
        throw new TransportError({ kind: 'deadline', code: DEADLINE, reached: false, proxy }, 'not sent: the step has no time left before its deadline');
    const signal = scopes.getStore()?.signal;
    if (signal?.aborted)
        throw new TransportError({ kind: 'aborted', reached: false }, 'the workflow run was cancelled');
    const raw = await send(request, agent, proxy, limitMs, signal);
    return { ...raw, body: await decode(raw.headers, raw.body) };
}
function send(request, agent, proxy, limitMs, signal) {
    return new Promise((resolve, reject) => {
        let sent = false;
        let settled = false;
        const finish = (error, response) => {
            if (settled)
                return;
            settled = true;
            clearTimeout(timer);
            signal?.removeEventListener('abort', onAbort);
            if (error) {
                outgoing.destroy();
                reject(error);
            }
            else
                resolve(response);
        };
        const fail = (error) => finish(fromSocketError(error, sent, proxy));
        const open = request.url.protocol === 'https:' ? external_node_https_namespaceObject.request : external_node_http_namespaceObject.request;
        const outgoing = open(request.url, {
            method: request.method,
            headers: request.headers,
            agent
        });
        const timer = setTimeout(() => finish(new TransportError({ kind: 'timeout', code: 'RequestTimeout', reached: sent, proxy }, `no complete answer within ${Math.round(limitMs / 1000)}s (the action's limit on one request)`)), limitMs);
        const onAbort = () => finish(new TransportError({ kind: 'aborted', code: 'RequestAborted', reached: sent, proxy }, 'the workflow run was cancelled'));
        signal?.addEventListener('abort', onAbort, { once: true });
        outgoing.on('error', fail);
        outgoing.on('finish', () => (sent = true));
        // https-proxy-agent replays a refused CONNECT as if the server had answered: it is the proxy's.
        outgoing.on('proxyConnect', ({ statusCode }) => {
            if (statusCode !== 200)
                finish(proxyRefused(proxy, statusCode));
        });
        outgoing.on('response', (incoming) => readBody(incoming).then((body) => finish(undefined, { status: incoming.statusCode ?? 0, headers: incoming.headers, body }), fail));
        outgoing.end(request.body);
    });
}
function proxyRefused(proxy, status) {
    return new TransportError({ kind: 'proxy', code: `HTTP${status}`, reached: false, proxy, proxyStatus: status }, `the proxy ${proxy ?? ''} refused to connect to the host (HTTP ${status})`);
}
/**
 * The body's bytes, refused once they pass the cap. When the length is known
 * the bytes go straight into one buffer of that size: no second copy of a
 * large answer.
 */
function readBody(incoming) {
    return new Promise((resolve, reject) => {
        const length = Number(incoming.headers['content-length']);
        const known = Number.isSafeInteger(length) && length >= 0 && length <= MAX_RESPONSE_BYTES;
        const whole = known ? Buffer.allocUnsafe(length) : undefined;
        const chunks = [];
        let size = 0;
        let settled = false;
        const fail = (error) => {
            if (settled)
                return;
            settled = true;
            reject(error);
            incoming.destroy();
        };
        incoming.on('data', (chunk) => {
            if (size + chunk.length > (whole?.length ?? MAX_RESPONSE_BYTES))
                return fail(tooLarge());
            if (whole)
                chunk.copy(whole, size);
            else
                chunks.push(chunk);
            size += chunk.length;
        });
        incoming.on('end', () => {
            settled = true;
            resolve(whole ? whole.subarray(0, size) : Buffer.concat(chunks));
        });
        incoming.on('aborted', () => fail(Object.assign(new Error('the answer was cut short'), { code: 'HPE_CUT_SHORT' })));
        incoming.on('error', fail);
    });
}
function tooLarge() {
    return new TransportError({ kind: 'too-large', code: 'ResponseTooLarge', reached: true }, `the answer is over ${MAX_RESPONSE_BYTES / 1024 / 1024} MiB; it was refused`);
}
const INFLATE = {
    gzip: (0,external_node_util_namespaceObject.promisify)(external_node_zlib_namespaceObject.gunzip),
    'x-gzip': (0,external_node_util_namespaceObject.promisify)(external_node_zlib_namespaceObject.gunzip),
    deflate: (0,external_node_util_namespaceObject.promisify)(external_node_zlib_namespaceObject.inflate),
    br: (0,external_node_util_namespaceObject.promisify)(external_node_zlib_namespaceObject.brotliDecompress)
};
/** The body as the service meant it: inflated (never past the cap) when it came compressed. */
async function decode(headers, body) {
    const encoding = String(headers['content-encoding'] ?? 'identity')
        .trim()
        .toLowerCase();
    if (encoding === 'identity' || encoding === '')
        return body;
    const inflate = Object.hasOwn(INFLATE, encoding) ? INFLATE[encoding] : undefined;
    if (!inflate)
        throw new TransportError({ kind: 'encoding', code: 'UnknownEncoding', reached: true }, `the answer came in an encoding that was not asked for (${encoding.slice(0, 20)})`);
    try {
        return await inflate(body, { maxOutputLength: MAX_RESPONSE_BYTES });
    }
    catch (error) {
        if (error.code === 'ERR_BUFFER_TOO_LARGE')
            throw tooLarge();
        throw new TransportError({ kind: 'encoding', code: 'BadEncoding', reached: true }, `the answer's ${encoding} body could not be inflated`);
    }
}

;// CONCATENATED MODULE: ./src/ecs/rpc.ts
/**
 * ECS RPC calls, as the vendor's client sends them: the request that
 * @alicloud/openapi-client's `doRequest` builds for an RPC operation (POST,
 * parameters in the query, the `x-acs-*` headers), signed ACS3-HMAC-SHA256 by
 * the vendor's own signing code (@alicloud/openapi-util `getAuthorization`,
 * which that client calls), and sent through the action's one bounded exchange
 * (net/exchange.ts) instead of the client's transport, which honours no proxy
 * and no time limit of ours. __tests__/contract/ecs-wire.test.ts compares the
 * requests with @alicloud/ecs20140526's, field for field; the emulator checks
 * every signature. The answer is read by its shape (api/answer.ts).
 */







const ALGORITHM = 'ACS3-HMAC-SHA256';
/** One ECS exchange's own limit: the vendor's client reads an answer for 10 s at most. */
const ECS_EXCHANGE_MS = 10_000;
/** The vendor's packages are CommonJS with `exports.default`: Node's loader and a bundler differ. */
function vendor(module) {
    const candidate = module.default;
    return (candidate.default ?? candidate);
}
const signing = vendor(client);
const tea = vendor(dist_client);
const EMPTY_PAYLOAD = signing.hexEncode(signing.hash(Buffer.from(''), ALGORITHM));
/** The signed request for one RPC call, header for header as openapi-client's doRequest makes it. */
function signedRequest(options, action, query, credentials) {
    const headers = {
        host: options.endpoint,
        'x-acs-version': options.version,
        'x-acs-action': action,
        'user-agent': tea.getUserAgent(options.userAgent),
        'x-acs-date': signing.getTimestamp(),
        'x-acs-signature-nonce': tea.getNonce(),
        accept: 'application/json',
        'x-acs-content-sha256': EMPTY_PAYLOAD
    };
    if (credentials.providerName)
        headers['x-acs-credentials-provider'] = credentials.providerName;
    if (credentials.securityToken) {
        headers['x-acs-accesskey-id'] = credentials.accessKeyId;
        headers['x-acs-security-token'] = credentials.securityToken;
    }
    headers.Authorization = signing.getAuthorization({ pathname: '/', method: 'POST', query, headers }, ALGORITHM, EMPTY_PAYLOAD, credentials.accessKeyId, credentials.accessKeySecret);
    const search = (0,external_node_querystring_namespaceObject.stringify)(query);
    return {
        method: 'POST',
        url: new URL(`${options.protocol}://${options.endpoint}/${search ? `?${search}` : ''}`),
        headers,
        limitMs: ECS_EXCHANGE_MS
    };
}
function createRpcClient(options) {
    const where = `ECS at ${options.endpoint}`;
    return async (action, params, resource) => {
        options.log.debug(`→ ${action} ${JSON.stringify(params)}`);
        try {
            const credentials = await options.credential.getCredential();
            const response = await exchange(signedRequest(options, action, params, credentials), options.route);
            const body = readAnswer(response, { operation: action, resource });
            options.log.debug(`← ${action} HTTP ${response.status} RequestId ${parse_text(body.RequestId) ?? '-'}`);
            return { body, serverTime: serverTime(response) };
        }
        catch (thrown) {
            const error = toApiError(action, thrown, resource, where);
            options.log.debug(`← ${action} ${error.code}${error.requestId ? ` RequestId ${error.requestId}` : ''}`);
            throw error;
        }
    };
}

;// CONCATENATED MODULE: ./src/ecs/client.ts
/**
 * The ECS Image Builder client: ECS 2014-05-26 in RPC style (./rpc.ts),
 * defensively parsed results, ApiErrors that name the resource. One call is
 * one request: listings come a page at a time (./listing.ts walks them), and
 * nothing here retries (callers apply the policy, ./policy.ts).
 */




const ECS_API_VERSION = '2014-05-26';
/** Why an execution failed: ErrorCode and ErrorInfo where the service gives them. */
function failureReason(execution) {
    const { errorCode, errorInfo } = execution;
    if (!errorCode && !errorInfo)
        return undefined;
    return [errorCode, errorInfo].filter(Boolean).join(': ');
}
const DESCRIBE = 'DescribeImagePipelineExecutions';
function createEcsClient(options) {
    const rpc = createRpcClient({ ...options, version: ECS_API_VERSION });
    const call = (action, query, resource) => rpc(action, { RegionId: options.regionId, ...query }, resource);
    return {
        startExecution: (params) => startExecution(call, params),
        async getExecution({ executionId }) {
            const { body } = await call(DESCRIBE, { ExecutionId: executionId }, `execution ${executionId}`);
            return parseExecutions(body).find((execution) => execution.executionId === executionId);
        },
        async executionsPage({ pipelineId, statuses, maxResults, nextToken }) {
            const query = { ImagePipelineId: pipelineId, MaxResults: String(maxResults) };
            if (statuses?.length)
                query.Status = statuses.join(',');
            if (nextToken)
                query.NextToken = nextToken;
            const { body } = await call(DESCRIBE, query, `pipeline ${pipelineId}`);
            return { items: parseExecutions(body), nextToken: parse_text(body.NextToken) };
        },
        async cancelExecution({ executionId }) {
            await call('CancelImagePipelineExecution', { ExecutionId: executionId }, `execution ${executionId}`);
        },
        async pipelinesPage({ name, pipelineIds, nextToken }) {
            const query = { MaxResults: '100' };
            if (name)
                query.Name = name;
            pipelineIds?.forEach((id, index) => (query[`ImagePipelineId.${index + 1}`] = id));
            if (nextToken)
                query.NextToken = nextToken;
            const { body } = await call('DescribeImagePipelines', query, name && `pipeline named "${name}"`);
            return { items: parsePipelines(body), nextToken: parse_text(body.NextToken) };
        }
    };
}
async function startExecution(call, { pipelineId, clientToken, tags }) {
    const operation = 'StartImagePipelineExecution';
    const query = { ImagePipelineId: pipelineId, ClientToken: clientToken };
    tags.forEach((tag, index) => {
        query[`Tag.${index + 1}.Key`] = tag.key;
        query[`Tag.${index + 1}.Value`] = tag.value;
    });
    const { body, serverTime } = await call(operation, query, `pipeline ${pipelineId}`);
    const executionId = parse_text(body.ExecutionId);
    if (!executionId)
        throw unparsable(operation, 'the response has no ExecutionId');
    return { executionId: checkId(operation, 'ExecutionId', executionId), serverTime };
}
function checkId(operation, field, value) {
    if (value === undefined || ID.test(value))
        return value;
    throw malformed(operation, `the response has a ${field} that is not an ID (${value.length} characters; IDs are letters, digits, ".", "_" and "-", at most 128)`);
}
function parseExecutions(body) {
    return list(body, 'ImagePipelineExecution', 'ImagePipelineExecutionSet').flatMap((item) => {
        const executionId = checkId(DESCRIBE, 'ExecutionId', parse_text(item.ExecutionId));
        if (!executionId)
            return [];
        return [
            {
                executionId,
                pipelineId: checkId(DESCRIBE, 'ImagePipelineId', parse_text(item.ImagePipelineId)),
                status: parse_text(item.Status)?.toUpperCase() ?? 'UNKNOWN',
                imageId: checkId(DESCRIBE, 'ImageId', parse_text(item.ImageId)),
                message: parse_text(item.Message),
                errorCode: parse_text(item.ErrorCode),
                errorInfo: parse_text(item.ErrorInfo),
                creationTime: parse_text(item.CreationTime),
                modifiedTime: parse_text(item.ModifiedTime),
                tags: list(item, 'Tags', 'Tag').flatMap((tag) => {
                    const key = parse_text(tag.TagKey);
                    return key ? [{ key, value: parse_text(tag.TagValue) ?? '' }] : [];
                })
            }
        ];
    });
}
function parsePipelines(body) {
    return list(body, 'ImagePipeline', 'ImagePipelineSet').flatMap((item) => {
        const pipelineId = checkId('DescribeImagePipelines', 'ImagePipelineId', parse_text(item.ImagePipelineId));
        return pipelineId
            ? [{ pipelineId, name: parse_text(item.Name), description: parse_text(item.Description) }]
            : [];
    });
}

;// CONCATENATED MODULE: ./src/ecs/connect.ts

const USER_AGENT = 'ecs-image-builder-action/1';
function connectEcs(settings, credentials, log, route) {
    return createEcsClient({
        regionId: settings.regionId,
        endpoint: settings.ecsEndpoint.host,
        protocol: settings.ecsEndpoint.protocol,
        credential: credentials,
        route,
        log,
        userAgent: USER_AGENT
    });
}

;// CONCATENATED MODULE: ./node_modules/@actions/http-client/lib/proxy.js
function getProxyUrl(reqUrl) {
    const usingSsl = reqUrl.protocol === 'https:';
    if (checkBypass(reqUrl)) {
        return undefined;
    }
    const proxyVar = (() => {
        if (usingSsl) {
            return process.env['https_proxy'] || process.env['HTTPS_PROXY'];
        }
        else {
            return process.env['http_proxy'] || process.env['HTTP_PROXY'];
        }
    })();
    if (proxyVar) {
        try {
            return new DecodedURL(proxyVar);
        }
        catch (_a) {
            if (!proxyVar.startsWith('http://') && !proxyVar.startsWith('https://'))
                return new DecodedURL(`http://${proxyVar}`);
        }
    }
    else {
        return undefined;
    }
}
function checkBypass(reqUrl) {
    if (!reqUrl.hostname) {
        return false;
    }
    const reqHost = reqUrl.hostname;
    if (isLoopbackAddress(reqHost)) {
        return true;
    }
    const noProxy = process.env['no_proxy'] || process.env['NO_PROXY'] || '';
    if (!noProxy) {
        return false;
    }
    // Determine the request port
    let reqPort;
    if (reqUrl.port) {
        reqPort = Number(reqUrl.port);
    }
    else if (reqUrl.protocol === 'http:') {
        reqPort = 80;
    }
    else if (reqUrl.protocol === 'https:') {
        reqPort = 443;
    }
    // Format the request hostname and hostname with port
    const upperReqHosts = [reqUrl.hostname.toUpperCase()];
    if (typeof reqPort === 'number') {
        upperReqHosts.push(`${upperReqHosts[0]}:${reqPort}`);
    }
    // Compare request host against noproxy
    for (const upperNoProxyItem of noProxy
        .split(',')
        .map(x => x.trim().toUpperCase())
        .filter(x => x)) {
        if (upperNoProxyItem === '*' ||
            upperReqHosts.some(x => x === upperNoProxyItem ||
                x.endsWith(`.${upperNoProxyItem}`) ||
                (upperNoProxyItem.startsWith('.') &&
                    x.endsWith(`${upperNoProxyItem}`)))) {
            return true;
        }
    }
    return false;
}
function isLoopbackAddress(host) {
    const hostLower = host.toLowerCase();
    return (hostLower === 'localhost' ||
        hostLower.startsWith('127.') ||
        hostLower.startsWith('[::1]') ||
        hostLower.startsWith('[0:0:0:0:0:0:0:1]'));
}
class DecodedURL extends URL {
    constructor(url, base) {
        super(url, base);
        this._decodedUsername = decodeURIComponent(super.username);
        this._decodedPassword = decodeURIComponent(super.password);
    }
    get username() {
        return this._decodedUsername;
    }
    get password() {
        return this._decodedPassword;
    }
}
//# sourceMappingURL=proxy.js.map
// EXTERNAL MODULE: external "net"
var external_net_ = __nccwpck_require__(278);
// EXTERNAL MODULE: external "tls"
var external_tls_ = __nccwpck_require__(756);
// EXTERNAL MODULE: ./node_modules/debug/src/index.js
var src = __nccwpck_require__(830);
// EXTERNAL MODULE: external "events"
var external_events_ = __nccwpck_require__(434);
// EXTERNAL MODULE: external "http"
var external_http_ = __nccwpck_require__(611);
// EXTERNAL MODULE: external "https"
var external_https_ = __nccwpck_require__(692);
;// CONCATENATED MODULE: ./node_modules/agent-base/dist/helpers.js


async function toBuffer(stream) {
    let length = 0;
    const chunks = [];
    for await (const chunk of stream) {
        length += chunk.length;
        chunks.push(chunk);
    }
    return Buffer.concat(chunks, length);
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function json(stream) {
    const buf = await toBuffer(stream);
    const str = buf.toString('utf8');
    try {
        return JSON.parse(str);
    }
    catch (_err) {
        const err = _err;
        err.message += ` (input: ${str})`;
        throw err;
    }
}
function req(url, opts = {}) {
    const href = typeof url === 'string' ? url : url.href;
    const req = (href.startsWith('https:') ? https : http).request(url, opts);
    const promise = new Promise((resolve, reject) => {
        req
            .once('response', resolve)
            .once('error', reject)
            .end();
    });
    req.then = promise.then.bind(promise);
    return req;
}
//# sourceMappingURL=helpers.js.map
;// CONCATENATED MODULE: ./node_modules/agent-base/dist/index.js




const INTERNAL = Symbol('AgentBaseInternalState');
class Agent extends external_http_.Agent {
    constructor(opts) {
        super(opts);
        this[INTERNAL] = {};
    }
    /**
     * Determine whether this is an `http` or `https` request.
     */
    isSecureEndpoint(options) {
        if (options) {
            // First check the `secureEndpoint` property explicitly, since this
            // means that a parent `Agent` is "passing through" to this instance.
            // eslint-disable-next-line @typescript-eslint/no-explicit-any
            if (typeof options.secureEndpoint === 'boolean') {
                return options.secureEndpoint;
            }
            // If no explicit `secure` endpoint, check if `protocol` property is
            // set. This will usually be the case since using a full string URL
            // or `URL` instance should be the most common usage.
            if (typeof options.protocol === 'string') {
                return options.protocol === 'https:';
            }
        }
        // Finally, if no `protocol` property was set, then fall back to
        // checking the stack trace of the current call stack, and try to
        // detect the "https" module.
        const { stack } = new Error();
        if (typeof stack !== 'string')
            return false;
        return stack
            .split('\n')
            .some((l) => l.indexOf('(https.js:') !== -1 ||
            l.indexOf('node:https:') !== -1);
    }
    // In order to support async signatures in `connect()` and Node's native
    // connection pooling in `http.Agent`, the array of sockets for each origin
    // has to be updated synchronously. This is so the length of the array is
    // accurate when `addRequest()` is next called. We achieve this by creating a
    // fake socket and adding it to `sockets[origin]` and incrementing
    // `totalSocketCount`.
    incrementSockets(name) {
        // If `maxSockets` and `maxTotalSockets` are both Infinity then there is no
        // need to create a fake socket because Node.js native connection pooling
        // will never be invoked.
        if (this.maxSockets === Infinity && this.maxTotalSockets === Infinity) {
            return null;
        }
        // All instances of `sockets` are expected TypeScript errors. The
        // alternative is to add it as a private property of this class but that
        // will break TypeScript subclassing.
        if (!this.sockets[name]) {
            // @ts-expect-error `sockets` is readonly in `@types/node`
            this.sockets[name] = [];
        }
        const fakeSocket = new external_net_.Socket({ writable: false });
        this.sockets[name].push(fakeSocket);
        // @ts-expect-error `totalSocketCount` isn't defined in `@types/node`
        this.totalSocketCount++;
        return fakeSocket;
    }
    decrementSockets(name, socket) {
        if (!this.sockets[name] || socket === null) {
            return;
        }
        const sockets = this.sockets[name];
        const index = sockets.indexOf(socket);
        if (index !== -1) {
            sockets.splice(index, 1);
            // @ts-expect-error  `totalSocketCount` isn't defined in `@types/node`
            this.totalSocketCount--;
            if (sockets.length === 0) {
                // @ts-expect-error `sockets` is readonly in `@types/node`
                delete this.sockets[name];
            }
        }
    }
    // In order to properly update the socket pool, we need to call `getName()` on
    // the core `https.Agent` if it is a secureEndpoint.
    getName(options) {
        const secureEndpoint = this.isSecureEndpoint(options);
        if (secureEndpoint) {
            return external_https_.Agent.prototype.getName.call(this, options);
        }
        return super.getName(options);
    }
    createSocket(req, options, cb) {
        const connectOpts = {
            ...options,
            secureEndpoint: this.isSecureEndpoint(options),
        };
        const name = this.getName(connectOpts);
        const fakeSocket = this.incrementSockets(name);
        Promise.resolve()
            .then(() => this.connect(req, connectOpts))
            .then((socket) => {
            this.decrementSockets(name, fakeSocket);
            if (typeof socket
                .addRequest === 'function') {
                try {
                    return socket.addRequest(req, connectOpts);
                }
                catch (err) {
                    return cb(err);
                }
            }
            this[INTERNAL].currentSocket = socket;
            // @ts-expect-error `createSocket()` isn't defined in `@types/node`
            super.createSocket(req, options, cb);
        }, (err) => {
            this.decrementSockets(name, fakeSocket);
            cb(err);
        });
    }
    createConnection() {
        const socket = this[INTERNAL].currentSocket;
        this[INTERNAL].currentSocket = undefined;
        if (!socket) {
            throw new Error('No socket was returned in the `connect()` function');
        }
        return socket;
    }
    get defaultPort() {
        return (this[INTERNAL].defaultPort ??
            (this.protocol === 'https:' ? 443 : 80));
    }
    set defaultPort(v) {
        if (this[INTERNAL]) {
            this[INTERNAL].defaultPort = v;
        }
    }
    get protocol() {
        return (this[INTERNAL].protocol ??
            (this.isSecureEndpoint() ? 'https:' : 'http:'));
    }
    set protocol(v) {
        if (this[INTERNAL]) {
            this[INTERNAL].protocol = v;
        }
    }
}
//# sourceMappingURL=index.js.map
// EXTERNAL MODULE: external "url"
var external_url_ = __nccwpck_require__(16);
;// CONCATENATED MODULE: ./node_modules/proxy-agent-negotiate/dist/index.js
function createNegotiateAuth() {
    return async ({ response, scheme }) => {
        if (scheme.toLowerCase() !== 'negotiate') {
            throw new Error(`Expected Negotiate scheme but got "${scheme}"`);
        }
        let kerberos;
        try {
            kerberos = await __nccwpck_require__.e(/* import() */ 50).then(__nccwpck_require__.t.bind(__nccwpck_require__, 50, 19));
        }
        catch {
            throw new Error('The "kerberos" package is required for Negotiate proxy authentication. ' +
                'Install it with: npm install kerberos');
        }
        const proxyAuthenticate = response.headers['proxy-authenticate'] || '';
        const challengeHeader = Array.isArray(proxyAuthenticate)
            ? proxyAuthenticate[0]
            : proxyAuthenticate;
        const serverToken = typeof challengeHeader === 'string' && challengeHeader.includes(' ')
            ? challengeHeader.split(' ').slice(1).join(' ')
            : undefined;
        const client = await kerberos.initializeClient('HTTP@proxy', {
            mechOID: kerberos.GSS_MECH_OID_SPNEGO,
        });
        const token = await client.step(serverToken || '');
        if (!token) {
            throw new Error('Kerberos client.step() returned no token');
        }
        return {
            headers: {
                'Proxy-Authorization': `Negotiate ${token}`,
            },
        };
    };
}
//# sourceMappingURL=index.js.map
;// CONCATENATED MODULE: ./node_modules/http-proxy-agent/dist/index.js







const dist_debug = src('http-proxy-agent');
/**
 * The `HttpProxyAgent` implements an HTTP Agent subclass that connects
 * to the specified "HTTP proxy server" in order to proxy HTTP requests.
 */
class HttpProxyAgent extends Agent {
    constructor(proxy, opts) {
        super(opts);
        this.proxy = typeof proxy === 'string' ? new external_url_.URL(proxy) : proxy;
        this.proxyHeaders = opts?.headers ?? {};
        dist_debug('Creating new HttpProxyAgent instance: %o', this.proxy.href);
        if (opts?.negotiate) {
            this.onProxyAuth = createNegotiateAuth();
        }
        else if (opts?.onProxyAuth) {
            this.onProxyAuth = opts.onProxyAuth;
        }
        // Trim off the brackets from IPv6 addresses
        const host = (this.proxy.hostname || this.proxy.host).replace(/^\[|\]$/g, '');
        const port = this.proxy.port
            ? parseInt(this.proxy.port, 10)
            : this.proxy.protocol === 'https:'
                ? 443
                : 80;
        this.connectOpts = {
            ...(opts
                ? omit(opts, 'headers', 'onProxyAuth', 'negotiate')
                : null),
            host,
            port,
        };
    }
    addRequest(req, opts) {
        req._header = null;
        this.setRequestProps(req, opts);
        // @ts-expect-error `addRequest()` isn't defined in `@types/node`
        super.addRequest(req, opts);
    }
    setRequestProps(req, opts) {
        const { proxy } = this;
        const protocol = opts.secureEndpoint ? 'https:' : 'http:';
        const hostname = req.getHeader('host') || 'localhost';
        const base = `${protocol}//${hostname}`;
        const url = new external_url_.URL(req.path, base);
        if (opts.port !== 80) {
            url.port = String(opts.port);
        }
        // Change the `http.ClientRequest` instance's "path" field
        // to the absolute path of the URL that will be requested.
        req.path = String(url);
        // Inject the `Proxy-Authorization` header if necessary.
        const headers = typeof this.proxyHeaders === 'function'
            ? this.proxyHeaders()
            : { ...this.proxyHeaders };
        if (proxy.username || proxy.password) {
            const auth = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
            headers['Proxy-Authorization'] = `Basic ${Buffer.from(auth).toString('base64')}`;
        }
        if (!headers['Proxy-Connection']) {
            headers['Proxy-Connection'] = this.keepAlive
                ? 'Keep-Alive'
                : 'close';
        }
        for (const name of Object.keys(headers)) {
            const value = headers[name];
            if (value) {
                req.setHeader(name, value);
            }
        }
    }
    async connect(req, opts) {
        req._header = null;
        if (!req.path.includes('://')) {
            this.setRequestProps(req, opts);
        }
        // At this point, the http ClientRequest's internal `_header` field
        // might have already been set. If this is the case then we'll need
        // to re-generate the string since we just changed the `req.path`.
        let first;
        let endOfHeaders;
        dist_debug('Regenerating stored HTTP header string for request');
        req._implicitHeader();
        if (req.outputData && req.outputData.length > 0) {
            dist_debug('Patching connection write() output buffer with updated header');
            first = req.outputData[0].data;
            endOfHeaders = first.indexOf('\r\n\r\n') + 4;
            req.outputData[0].data =
                req._header + first.substring(endOfHeaders);
            dist_debug('Output buffer: %o', req.outputData[0].data);
        }
        // Create a socket connection to the proxy server.
        let socket;
        if (this.proxy.protocol === 'https:') {
            dist_debug('Creating `tls.Socket`: %o', this.connectOpts);
            socket = external_tls_.connect(this.connectOpts);
        }
        else {
            dist_debug('Creating `net.Socket`: %o', this.connectOpts);
            socket = external_net_.connect(this.connectOpts);
        }
        // Wait for the socket's `connect` event, so that this `callback()`
        // function throws instead of the `http` request machinery. This is
        // important for i.e. `PacProxyAgent` which determines a failed proxy
        // connection via the `callback()` function throwing.
        await (0,external_events_.once)(socket, 'connect');
        // Emit the 'proxyConnect' event for parity with https-proxy-agent
        const connect = { socket };
        req.emit('proxyConnect', connect);
        this.emit('proxyConnect', connect, req);
        req.emit('proxy', { proxy: this.proxy.href, socket });
        return socket;
    }
}
HttpProxyAgent.protocols = ['http', 'https'];
function omit(obj, ...keys) {
    const ret = {};
    let key;
    for (key in obj) {
        if (!keys.includes(key)) {
            ret[key] = obj[key];
        }
    }
    return ret;
}
//# sourceMappingURL=index.js.map
// EXTERNAL MODULE: external "assert"
var external_assert_ = __nccwpck_require__(613);
;// CONCATENATED MODULE: ./node_modules/https-proxy-agent/dist/parse-proxy-response.js

const parse_proxy_response_debug = src('https-proxy-agent:parse-proxy-response');
function parseProxyResponse(socket) {
    return new Promise((resolve, reject) => {
        // we need to buffer any HTTP traffic that happens with the proxy before we get
        // the CONNECT response, so that if the response is anything other than an "200"
        // response code, then we can re-play the "data" events on the socket once the
        // HTTP parser is hooked up...
        let buffersLength = 0;
        const buffers = [];
        function read() {
            const b = socket.read();
            if (b)
                ondata(b);
            else
                socket.once('readable', read);
        }
        function cleanup() {
            socket.removeListener('end', onend);
            socket.removeListener('error', onerror);
            socket.removeListener('readable', read);
        }
        function onend() {
            cleanup();
            parse_proxy_response_debug('onend');
            reject(new Error('Proxy connection ended before receiving CONNECT response'));
        }
        function onerror(err) {
            cleanup();
            parse_proxy_response_debug('onerror %o', err);
            reject(err);
        }
        function ondata(b) {
            buffers.push(b);
            buffersLength += b.length;
            const buffered = Buffer.concat(buffers, buffersLength);
            const endOfHeaders = buffered.indexOf('\r\n\r\n');
            if (endOfHeaders === -1) {
                // keep buffering
                parse_proxy_response_debug('have not received end of HTTP headers yet...');
                read();
                return;
            }
            const headerParts = buffered
                .slice(0, endOfHeaders)
                .toString('ascii')
                .split('\r\n');
            const firstLine = headerParts.shift();
            if (!firstLine) {
                socket.destroy();
                return reject(new Error('No header received from proxy CONNECT response'));
            }
            const firstLineParts = firstLine.split(' ');
            const statusCode = +firstLineParts[1];
            const statusText = firstLineParts.slice(2).join(' ');
            const headers = {};
            for (const header of headerParts) {
                if (!header)
                    continue;
                const firstColon = header.indexOf(':');
                if (firstColon === -1) {
                    socket.destroy();
                    return reject(new Error(`Invalid header from proxy CONNECT response: "${header}"`));
                }
                const key = header.slice(0, firstColon).toLowerCase();
                const value = header.slice(firstColon + 1).trimStart();
                const current = headers[key];
                if (typeof current === 'string') {
                    headers[key] = [current, value];
                }
                else if (Array.isArray(current)) {
                    current.push(value);
                }
                else {
                    headers[key] = value;
                }
            }
            parse_proxy_response_debug('got proxy server response: %o %o', firstLine, headers);
            cleanup();
            resolve({
                connect: {
                    statusCode,
                    statusText,
                    headers,
                },
                buffered,
            });
        }
        socket.on('error', onerror);
        socket.on('end', onend);
        read();
    });
}
//# sourceMappingURL=parse-proxy-response.js.map
;// CONCATENATED MODULE: ./node_modules/https-proxy-agent/dist/index.js








const https_proxy_agent_dist_debug = src('https-proxy-agent');
const setServernameFromNonIpHost = (options) => {
    if (options.servername === undefined &&
        options.host &&
        !external_net_.isIP(options.host)) {
        return {
            ...options,
            servername: options.host,
        };
    }
    return options;
};
/**
 * The `HttpsProxyAgent` implements an HTTP Agent subclass that connects to
 * the specified "HTTP(s) proxy server" in order to proxy HTTPS requests.
 *
 * Outgoing HTTP requests are first tunneled through the proxy server using the
 * `CONNECT` HTTP request method to establish a connection to the proxy server,
 * and then the proxy server connects to the destination target and issues the
 * HTTP request from the proxy server.
 *
 * `https:` requests have their socket connection upgraded to TLS once
 * the connection to the proxy server has been established.
 */
class HttpsProxyAgent extends Agent {
    constructor(proxy, opts) {
        super(opts);
        this.options = { path: undefined };
        this.proxy = typeof proxy === 'string' ? new external_url_.URL(proxy) : proxy;
        this.proxyHeaders = opts?.headers ?? {};
        https_proxy_agent_dist_debug('Creating new HttpsProxyAgent instance: %o', this.proxy.href);
        if (opts?.negotiate) {
            this.onProxyAuth = createNegotiateAuth();
        }
        else if (opts?.onProxyAuth) {
            this.onProxyAuth = opts.onProxyAuth;
        }
        // Trim off the brackets from IPv6 addresses
        const host = (this.proxy.hostname || this.proxy.host).replace(/^\[|\]$/g, '');
        const port = this.proxy.port
            ? parseInt(this.proxy.port, 10)
            : this.proxy.protocol === 'https:'
                ? 443
                : 80;
        this.connectOpts = {
            // Attempt to negotiate http/1.1 for proxy servers that support http/2
            ALPNProtocols: ['http/1.1'],
            ...(opts
                ? dist_omit(opts, 'headers', 'onProxyAuth', 'negotiate')
                : null),
            host,
            port,
        };
    }
    /**
     * Called when the node-core HTTP client library is creating a
     * new HTTP request.
     */
    async connect(req, opts) {
        const { proxy } = this;
        if (!opts.host) {
            throw new TypeError('No "host" provided');
        }
        // Create a socket connection to the proxy server.
        let socket;
        if (proxy.protocol === 'https:') {
            https_proxy_agent_dist_debug('Creating `tls.Socket`: %o', this.connectOpts);
            socket = external_tls_.connect(setServernameFromNonIpHost(this.connectOpts));
        }
        else {
            https_proxy_agent_dist_debug('Creating `net.Socket`: %o', this.connectOpts);
            socket = external_net_.connect(this.connectOpts);
        }
        const headers = typeof this.proxyHeaders === 'function'
            ? this.proxyHeaders()
            : { ...this.proxyHeaders };
        const host = external_net_.isIPv6(opts.host) ? `[${opts.host}]` : opts.host;
        let payload = `CONNECT ${host}:${opts.port} HTTP/1.1\r\n`;
        // Inject the `Proxy-Authorization` header if necessary.
        if (proxy.username || proxy.password) {
            const auth = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
            headers['Proxy-Authorization'] = `Basic ${Buffer.from(auth).toString('base64')}`;
        }
        headers.Host = `${host}:${opts.port}`;
        if (!headers['Proxy-Connection']) {
            headers['Proxy-Connection'] = this.keepAlive
                ? 'Keep-Alive'
                : 'close';
        }
        for (const name of Object.keys(headers)) {
            payload += `${name}: ${headers[name]}\r\n`;
        }
        const proxyResponsePromise = parseProxyResponse(socket);
        socket.write(`${payload}\r\n`);
        const { connect, buffered } = await proxyResponsePromise;
        req.emit('proxyConnect', connect);
        this.emit('proxyConnect', connect, req);
        req.emit('proxy', { proxy: this.proxy.href, socket });
        if (connect.statusCode === 200) {
            req.once('socket', resume);
            if (opts.secureEndpoint) {
                // The proxy is connecting to a TLS server, so upgrade
                // this socket connection to a TLS connection.
                https_proxy_agent_dist_debug('Upgrading socket connection to TLS');
                return external_tls_.connect({
                    ...dist_omit(setServernameFromNonIpHost(opts), 'host', 'path', 'port'),
                    socket,
                });
            }
            return socket;
        }
        // Handle 407 Proxy Authentication Required
        if (connect.statusCode === 407 && this.onProxyAuth) {
            https_proxy_agent_dist_debug('Got 407 response, invoking onProxyAuth callback');
            socket.destroy();
            const proxyAuthenticate = connect.headers['proxy-authenticate'] || '';
            const scheme = Array.isArray(proxyAuthenticate)
                ? proxyAuthenticate[0].split(/\s/)[0]
                : proxyAuthenticate.split(/\s/)[0];
            const authResponse = await this.onProxyAuth({
                response: connect,
                scheme,
            });
            // Retry with the auth headers
            return this._connectWithAuth(req, opts, authResponse.headers);
        }
        // Some other status code that's not 200... need to re-play the HTTP
        // header "data" events onto the socket once the HTTP machinery is
        // attached so that the node core `http` can parse and handle the
        // error status code.
        // Close the original socket, and a new "fake" socket is returned
        // instead, so that the proxy doesn't get the HTTP request
        // written to it (which may contain `Authorization` headers or other
        // sensitive data).
        //
        // See: https://hackerone.com/reports/541502
        socket.destroy();
        const fakeSocket = new external_net_.Socket({ writable: false });
        fakeSocket.readable = true;
        // Need to wait for the "socket" event to re-play the "data" events.
        req.once('socket', (s) => {
            https_proxy_agent_dist_debug('Replaying proxy buffer for failed request');
            external_assert_(s.listenerCount('data') > 0);
            // Replay the "buffered" Buffer onto the fake `socket`, since at
            // this point the HTTP module machinery has been hooked up for
            // the user.
            s.push(buffered);
            s.push(null);
        });
        return fakeSocket;
    }
    /**
     * Retry a CONNECT request with additional auth headers.
     */
    async _connectWithAuth(req, opts, authHeaders) {
        const { proxy } = this;
        let socket;
        if (proxy.protocol === 'https:') {
            socket = external_tls_.connect(setServernameFromNonIpHost(this.connectOpts));
        }
        else {
            socket = external_net_.connect(this.connectOpts);
        }
        const headers = typeof this.proxyHeaders === 'function'
            ? this.proxyHeaders()
            : { ...this.proxyHeaders };
        const host = external_net_.isIPv6(opts.host) ? `[${opts.host}]` : opts.host;
        let payload = `CONNECT ${host}:${opts.port} HTTP/1.1\r\n`;
        if (proxy.username || proxy.password) {
            const auth = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
            headers['Proxy-Authorization'] = `Basic ${Buffer.from(auth).toString('base64')}`;
        }
        // Merge auth headers (overrides existing)
        Object.assign(headers, authHeaders);
        headers.Host = `${host}:${opts.port}`;
        if (!headers['Proxy-Connection']) {
            headers['Proxy-Connection'] = this.keepAlive
                ? 'Keep-Alive'
                : 'close';
        }
        for (const name of Object.keys(headers)) {
            payload += `${name}: ${headers[name]}\r\n`;
        }
        const proxyResponsePromise = parseProxyResponse(socket);
        socket.write(`${payload}\r\n`);
        const { connect } = await proxyResponsePromise;
        req.emit('proxyConnect', connect);
        this.emit('proxyConnect', connect, req);
        if (connect.statusCode === 200) {
            req.once('socket', resume);
            if (opts.secureEndpoint) {
                https_proxy_agent_dist_debug('Upgrading socket connection to TLS');
                return external_tls_.connect({
                    ...dist_omit(setServernameFromNonIpHost(opts), 'host', 'path', 'port'),
                    socket,
                });
            }
            return socket;
        }
        // If still not 200, throw
        socket.destroy();
        throw new Error(`Proxy authentication failed with status ${connect.statusCode} after retry`);
    }
}
HttpsProxyAgent.protocols = ['http', 'https'];
function resume(socket) {
    // Defer the resume so that all 'socket' event handlers have a chance
    // to attach their listeners (e.g. the HTTP client's 'data' handler)
    // before data starts flowing. Without this, buffered proxy-response
    // data can be emitted synchronously before listeners are ready.
    // See: https://github.com/nicolo-ribaudo/tc39-proposal-await-dictionary/issues/7
    setImmediate(() => {
        socket.resume();
    });
}
function dist_omit(obj, ...keys) {
    const ret = {};
    let key;
    for (key in obj) {
        if (!keys.includes(key)) {
            ret[key] = obj[key];
        }
    }
    return ret;
}
//# sourceMappingURL=index.js.map
;// CONCATENATED MODULE: ./src/inputs/endpoints.ts
/**
 * Endpoints as users give them (`endpoint`, `sts-endpoint`,
 * `metadata-endpoint`): `host`, `host:port` or `scheme://host[:port]`, judged
 * by a real URL parser, and nothing else.
 */

/** Loopback hosts, as the URL parser writes them (it turns `127.1` into `127.0.0.1`). */
const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;
/**
 * `host`, `host:port` or `scheme://host[:port]`, judged by a real URL parser:
 * no user info, path, query or fragment; `http://` only for loopback hosts.
 */
function parseEndpoint(name, value) {
    const url = endpointUrl(name, value);
    const protocol = url.protocol.slice(0, -1);
    const hostname = url.hostname;
    const host = url.host;
    if (protocol === 'http' && !LOOPBACK.test(hostname)) {
        throw new InputError(name, `uses plain http:// for "${hostname}"; http is accepted only for loopback hosts (localhost, 127.0.0.0/8, [::1]); use https://`);
    }
    return { host, protocol };
}
/** The instance metadata service's address on every ECS instance. */
const METADATA_HOST = '100.100.100.200';
/**
 * `host[:port]` or `http://host[:port]`: the metadata service speaks plain HTTP,
 * so only its own address or a loopback host (an emulator) is accepted.
 */
function parseMetadataEndpoint(name, value) {
    const url = endpointUrl(name, value, 'http');
    if (url.protocol !== 'http:')
        throw new InputError(name, `must be plain http:// (the metadata service speaks nothing else)`);
    if (url.hostname !== METADATA_HOST && !LOOPBACK.test(url.hostname))
        throw new InputError(name, `must be the metadata service (${METADATA_HOST}) or a loopback host, not "${url.hostname}"`);
    return { host: url.host, protocol: 'http' };
}
function endpointUrl(name, value, scheme = 'https') {
    const example = '(e.g. ecs-vpc.cn-hangzhou.aliyuncs.com)';
    const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `${scheme}://${value}`;
    let url;
    try {
        url = new URL(withScheme);
    }
    catch {
        throw new InputError(name, `"${value}" is not a host name or URL ${example}`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
        throw new InputError(name, `must use https:// (or http:// for loopback), not ${url.protocol}//`);
    if (url.username || url.password || /@/.test(value))
        throw new InputError(name, `must not contain user info ("user@"): give the host alone ${example}`);
    if (url.pathname !== '/' ||
        url.search ||
        url.hash ||
        /[?#]/.test(value) ||
        /\/\/[^/]*\/./.test(withScheme))
        throw new InputError(name, `must be a host, with no path, query or fragment ${example}`);
    return url;
}

;// CONCATENATED MODULE: ./src/net/proxy.ts
/**
 * Which way each request goes: straight, or through the proxy the environment
 * names (HTTPS_PROXY / HTTP_PROXY / NO_PROXY, either case), with the runner's
 * and @actions/http-client's semantics, decided by http-client's own
 * `getProxyUrl`. https goes through a CONNECT tunnel (`https-proxy-agent`),
 * plain http through a forwarding proxy (`http-proxy-agent`); certificates are
 * verified by Node's defaults (a TLS-inspecting proxy's CA comes through
 * NODE_EXTRA_CA_CERTS). Loopback hosts (http-client's rule) and the instance
 * metadata service are never proxied. Proxy credentials are masked, and a
 * proxy is named without them.
 */






/** A proxy variable that is set but names no usable HTTP proxy. */
class ProxySettingError extends Error {
    constructor(variable, problem) {
        super(`The environment variable ${variable} ${problem}`);
        this.name = 'ProxySettingError';
    }
}
/** A proxy, as messages name it: scheme, host and port, never the credentials. */
function proxyName(proxy) {
    return `${proxy.protocol}//${proxy.host}`;
}
/**
 * The router for this step. `mask` takes the proxies' credentials before
 * anything is logged. A malformed proxy variable is an error when the first
 * request that would use it is routed (http-client would drop it silently).
 */
function createRouter(mask) {
    const direct = {
        'http:': { agent: new external_node_http_namespaceObject.Agent({ keepAlive: true }) },
        'https:': { agent: new external_node_https_namespaceObject.Agent({ keepAlive: true }) }
    };
    const proxied = new Map();
    return (url) => {
        const proxy = url.hostname === METADATA_HOST ? undefined : getProxyUrl(url);
        if (!proxy)
            return direct[url.protocol] ?? direct['https:'];
        const key = `${url.protocol} ${proxy.href}`;
        let route = proxied.get(key);
        if (!route) {
            route = proxyRoute(url.protocol, proxy, mask);
            proxied.set(key, route);
        }
        return route;
    };
}
function proxyRoute(protocol, proxy, mask) {
    const variable = protocol === 'https:' ? 'HTTPS_PROXY' : 'HTTP_PROXY';
    if ((proxy.protocol !== 'http:' && proxy.protocol !== 'https:') || !proxy.hostname)
        throw new ProxySettingError(variable, 'is not an HTTP proxy URL: give http://[user:password@]host[:port] (or https://)');
    for (const secret of [proxy.password, encodeURIComponent(proxy.password)])
        if (secret)
            mask(secret);
    // http-client's URL holds the credentials decoded; the agents decode them once more.
    const target = new URL(proxyName(proxy));
    target.username = encodeURIComponent(proxy.username);
    target.password = encodeURIComponent(proxy.password);
    const agent = protocol === 'https:'
        ? new HttpsProxyAgent(target, { keepAlive: true })
        : new HttpProxyAgent(target, { keepAlive: true });
    return { agent, proxy: proxyName(proxy) };
}

;// CONCATENATED MODULE: ./src/run/context.ts
const chosenSource = (settings, context) => settings.credentialSource.create(context);
/** A failure whose summary is already written: the message is the whole story. */
class ReportedFailure extends Error {
    constructor(message) {
        super(message);
        this.name = 'ReportedFailure';
    }
}

;// CONCATENATED MODULE: ./src/ecs/cancel.ts
/**
 * The one cancel routine, shared by the main step (a cancelled run, a time-out)
 * and the post step (the backstop). It cancels by ID, retries what is worth
 * retrying within its own budget (not stopped by a cancelled run: that is when
 * it matters), checks the answer, and says what happened in words. It never
 * throws.
 */


function cancelBuild(ecs, executionId, budgetMs) {
    // Not inside the call that asked for it (a poll a cancelled run is ending): a budget of its own.
    return outsideScope(() => cancel(ecs, executionId, budgetMs));
}
async function cancel(ecs, executionId, budgetMs) {
    const { clock, log } = ecs.policy;
    const client = ecs.with({
        deadline: clock.now() + budgetMs,
        signal: undefined,
        wake: undefined,
        giveUp: undefined,
        maxFailures: undefined,
        maxAttempts: undefined,
        baseDelayMs: 500
    });
    try {
        await client.cancelExecution({ executionId });
        log.info(`Cancel requested for execution ${executionId}.`);
        return { settled: true, words: `a cancel was requested for execution ${executionId}` };
    }
    catch (error) {
        log.warning(`Could not cancel execution ${executionId}: ${describeError(error)}`);
        // InvalidStatus.*: the build is in a phase that cannot be cancelled, or has ended.
        if (error instanceof ApiError && /^InvalidStatus\./.test(error.code)) {
            return {
                settled: true,
                words: `the service refused to cancel it in its current phase (${error.code}); it will end on its own`
            };
        }
        return {
            settled: false,
            words: `the cancel request failed (${describeError(error)}); cancel it in the ECS console`,
            error: error instanceof ApiError ? error : undefined
        };
    }
}

;// CONCATENATED MODULE: ./src/api/backoff.ts
/**
 * The two jitter algorithms every delay in the action comes from (the AWS
 * architecture blog's "Exponential Backoff And Jitter"): the retry helper and
 * the wait loop's schedule share them.
 */
/** Equal jitter for attempt n (0-based): in [cap/2, cap], cap = base·2ⁿ ≤ max. After a failure. */
function equalJitter(attempt, baseMs, maxMs, random) {
    const cap = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
    return Math.round(cap / 2 + (cap / 2) * random());
}
/**
 * Decorrelated jitter: between the previous delay (never faster; at least
 * `floorMs`) and three times it. After throttling: the quota is the account's,
 * so runs that share it spread out instead of retrying in step.
 */
function decorrelatedJitter(previousMs, floorMs, random) {
    const previous = Math.max(previousMs ?? floorMs, floorMs);
    return Math.round(previous + 2 * previous * random());
}

;// CONCATENATED MODULE: ./src/api/retry.ts




const DEFAULT_RETRY_BASE_MS = 1000;
const DEFAULT_RETRY_MAX_MS = 20_000;
async function withRetry(operation, call, options, resource) {
    const outer = currentScope();
    // Inside another call's scope (credentials renewed for a poll): never past its deadline.
    const bounded = outer
        ? {
            ...options,
            deadline: Math.min(options.deadline, outer.deadline),
            signal: options.signal ?? outer.signal
        }
        : options;
    const { clock, deadline, signal } = bounded;
    const attempts = new Attempts(operation, bounded);
    for (;;) {
        try {
            return await withinScope({ clock, deadline, signal }, call);
        }
        catch (thrown) {
            const error = toApiError(operation, thrown, resource);
            const next = await attempts.after(error);
            if (next === undefined)
                throw attempts.failure(error);
            if (next > 0)
                await clock.sleep(next, options.wake ?? signal);
            if (options.giveUp?.(attempts.failures))
                throw attempts.failure(error);
        }
    }
}
/** The failures of one call so far, and what each one calls for. */
class Attempts {
    operation;
    options;
    failures = [];
    began;
    used = new Set();
    counted = 0;
    previousThrottleMs;
    constructor(operation, options) {
        this.operation = operation;
        this.options = options;
        this.began = options.clock.now();
    }
    /** How long to wait before the next attempt (0: at once), or undefined to stop. */
    async after(error) {
        const { clock, deadline, signal, log } = this.options;
        this.failures.push(error);
        if (!error.transient)
            return (await this.recovered(error)) ? 0 : undefined;
        if (!error.throttled)
            this.counted++;
        const delay = this.delay(error);
        const stop = this.counted >= (this.options.maxFailures ?? Number.POSITIVE_INFINITY) ||
            this.failures.length >= (this.options.maxAttempts ?? Number.POSITIVE_INFINITY) ||
            // No attempt that the exchange would refuse to send for want of time.
            clock.now() + delay > deadline - MIN_EXCHANGE_MS ||
            signal?.aborted ||
            this.options.giveUp?.(this.failures);
        if (stop) {
            log.debug(`${this.operation}: giving up after ${this.failures.length} attempt(s): ${error.code}`);
            return undefined;
        }
        log.debug(`${this.operation}: attempt ${this.failures.length} failed with ${error.code}` +
            `${error.statusCode ? ` (HTTP ${error.statusCode})` : ''}; retry in ${delay} ms`);
        return delay;
    }
    /** The error to throw: the last one, saying how many attempts were made over how long. */
    failure(error) {
        // An attempt the deadline stopped says nothing of the service: the one before says why.
        const last = error.code === DEADLINE && this.failures.length > 1 ? this.failures.at(-2) : error;
        if (this.failures.length < 2)
            return last;
        const counts = new Map();
        for (const failure of this.failures)
            counts.set(failure.code, (counts.get(failure.code) ?? 0) + 1);
        const what = [...counts].map(([code, n]) => `${n}× ${code}`).join(', ');
        const spent = Math.round((this.options.clock.now() - this.began) / 1000);
        return last.with({
            message: `${last.apiMessage} (${this.failures.length} attempts over ${spent}s: ${what})`,
            reached: this.failures.some((failure) => failure.reached)
        });
    }
    delay(error) {
        const random = this.options.random ?? Math.random;
        const base = this.options.baseDelayMs ?? DEFAULT_RETRY_BASE_MS;
        const max = this.options.maxDelayMs ?? DEFAULT_RETRY_MAX_MS;
        let delay;
        if (error.throttled) {
            const floor = this.options.throttleFloorMs ?? 2 * base;
            const cap = Math.max(floor, this.options.throttleCapMs ?? max);
            delay = Math.min(cap, decorrelatedJitter(this.previousThrottleMs, floor, random));
            this.previousThrottleMs = delay;
        }
        else
            delay = equalJitter(this.counted - 1, base, max, random);
        return Math.max(delay, error.retryAfterMs ?? 0);
    }
    async recovered(error) {
        for (const hook of this.options.recover ?? []) {
            if (this.used.has(hook))
                continue;
            if (await hook(error)) {
                this.used.add(hook);
                return true;
            }
        }
        return false;
    }
}

;// CONCATENATED MODULE: ./src/ecs/policy.ts
/**
 * The ECS client every caller uses: the retry policy (api/retry.ts), a
 * deadline, the run's cancellation and the credentials' recovery hook are
 * applied here, once, to every single request (a listing's pages each get
 * their own retries). Callers just call. One that needs another budget (a
 * best-effort look-up, a cancel after the deadline, the wait loop's single
 * attempts) derives a client with `with()` or `within()`.
 */

function withPolicy(client, policy) {
    const retried = (operation, resource, call) => withRetry(operation, call, policy, resource);
    return {
        policy,
        with: (change) => withPolicy(client, { ...policy, ...change }),
        within: (ms) => withPolicy(client, {
            ...policy,
            deadline: Math.min(policy.deadline, policy.clock.now() + ms)
        }),
        startExecution: (params) => retried('StartImagePipelineExecution', `pipeline ${params.pipelineId}`, () => client.startExecution(params)),
        getExecution: (params) => retried('DescribeImagePipelineExecutions', `execution ${params.executionId}`, () => client.getExecution(params)),
        executionsPage: (params) => retried('DescribeImagePipelineExecutions', `pipeline ${params.pipelineId}`, () => client.executionsPage(params)),
        cancelExecution: (params) => retried('CancelImagePipelineExecution', `execution ${params.executionId}`, () => client.cancelExecution(params)),
        pipelinesPage: (params) => retried('DescribeImagePipelines', params.name ? `pipeline named "${params.name}"` : 'image pipelines', () => client.pipelinesPage(params))
    };
}

// EXTERNAL MODULE: external "os"
var external_os_ = __nccwpck_require__(857);
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/utils.js
// We use any as a valid input type
/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * Sanitizes an input into a string so it can be passed into issueCommand safely
 * @param input input to sanitize into a string
 */
function utils_toCommandValue(input) {
    if (input === null || input === undefined) {
        return '';
    }
    else if (typeof input === 'string' || input instanceof String) {
        return input;
    }
    return JSON.stringify(input);
}
/**
 *
 * @param annotationProperties
 * @returns The command properties to send with the actual annotation command
 * See IssueCommandProperties: https://github.com/actions/runner/blob/main/src/Runner.Worker/ActionCommandManager.cs#L646
 */
function toCommandProperties(annotationProperties) {
    if (!Object.keys(annotationProperties).length) {
        return {};
    }
    return {
        title: annotationProperties.title,
        file: annotationProperties.file,
        line: annotationProperties.startLine,
        endLine: annotationProperties.endLine,
        col: annotationProperties.startColumn,
        endColumn: annotationProperties.endColumn
    };
}
//# sourceMappingURL=utils.js.map
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/command.js


/**
 * Issues a command to the GitHub Actions runner
 *
 * @param command - The command name to issue
 * @param properties - Additional properties for the command (key-value pairs)
 * @param message - The message to include with the command
 * @remarks
 * This function outputs a specially formatted string to stdout that the Actions
 * runner interprets as a command. These commands can control workflow behavior,
 * set outputs, create annotations, mask values, and more.
 *
 * Command Format:
 *   ::name key=value,key=value::message
 *
 * @example
 * ```typescript
 * // Issue a warning annotation
 * issueCommand('warning', {}, 'This is a warning message');
 * // Output: ::warning::This is a warning message
 *
 * // Set an environment variable
 * issueCommand('set-env', { name: 'MY_VAR' }, 'some value');
 * // Output: ::set-env name=MY_VAR::some value
 *
 * // Add a secret mask
 * issueCommand('add-mask', {}, 'secretValue123');
 * // Output: ::add-mask::secretValue123
 * ```
 *
 * @internal
 * This is an internal utility function that powers the public API functions
 * such as setSecret, warning, error, and exportVariable.
 */
function command_issueCommand(command, properties, message) {
    const cmd = new Command(command, properties, message);
    process.stdout.write(cmd.toString() + external_os_.EOL);
}
function command_issue(name, message = '') {
    command_issueCommand(name, {}, message);
}
const CMD_STRING = '::';
class Command {
    constructor(command, properties, message) {
        if (!command) {
            command = 'missing.command';
        }
        this.command = command;
        this.properties = properties;
        this.message = message;
    }
    toString() {
        let cmdStr = CMD_STRING + this.command;
        if (this.properties && Object.keys(this.properties).length > 0) {
            cmdStr += ' ';
            let first = true;
            for (const key in this.properties) {
                if (this.properties.hasOwnProperty(key)) {
                    const val = this.properties[key];
                    if (val) {
                        if (first) {
                            first = false;
                        }
                        else {
                            cmdStr += ',';
                        }
                        cmdStr += `${key}=${escapeProperty(val)}`;
                    }
                }
            }
        }
        cmdStr += `${CMD_STRING}${escapeData(this.message)}`;
        return cmdStr;
    }
}
function escapeData(s) {
    return utils_toCommandValue(s)
        .replace(/%/g, '%25')
        .replace(/\r/g, '%0D')
        .replace(/\n/g, '%0A');
}
function escapeProperty(s) {
    return utils_toCommandValue(s)
        .replace(/%/g, '%25')
        .replace(/\r/g, '%0D')
        .replace(/\n/g, '%0A')
        .replace(/:/g, '%3A')
        .replace(/,/g, '%2C');
}
//# sourceMappingURL=command.js.map
// EXTERNAL MODULE: external "crypto"
var external_crypto_ = __nccwpck_require__(982);
// EXTERNAL MODULE: external "fs"
var external_fs_ = __nccwpck_require__(896);
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/file-command.js
// For internal use, subject to change.
// We use any as a valid input type
/* eslint-disable @typescript-eslint/no-explicit-any */




function file_command_issueFileCommand(command, message) {
    const filePath = process.env[`GITHUB_${command}`];
    if (!filePath) {
        throw new Error(`Unable to find environment variable for file command ${command}`);
    }
    if (!external_fs_.existsSync(filePath)) {
        throw new Error(`Missing file at path: ${filePath}`);
    }
    external_fs_.appendFileSync(filePath, `${utils_toCommandValue(message)}${external_os_.EOL}`, {
        encoding: 'utf8'
    });
}
function file_command_prepareKeyValueMessage(key, value) {
    const delimiter = `ghadelimiter_${external_crypto_.randomUUID()}`;
    const convertedValue = utils_toCommandValue(value);
    // These should realistically never happen, but just in case someone finds a
    // way to exploit uuid generation let's not allow keys or values that contain
    // the delimiter.
    if (key.includes(delimiter)) {
        throw new Error(`Unexpected input: name should not contain the delimiter "${delimiter}"`);
    }
    if (convertedValue.includes(delimiter)) {
        throw new Error(`Unexpected input: value should not contain the delimiter "${delimiter}"`);
    }
    return `${key}<<${delimiter}${external_os_.EOL}${convertedValue}${external_os_.EOL}${delimiter}`;
}
//# sourceMappingURL=file-command.js.map
;// CONCATENATED MODULE: external "path"
const external_path_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("path");
// EXTERNAL MODULE: ./node_modules/tunnel/index.js
var node_modules_tunnel = __nccwpck_require__(770);
;// CONCATENATED MODULE: ./node_modules/@actions/http-client/lib/index.js
/* eslint-disable @typescript-eslint/no-explicit-any */
var __awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};





var HttpCodes;
(function (HttpCodes) {
    HttpCodes[HttpCodes["OK"] = 200] = "OK";
    HttpCodes[HttpCodes["MultipleChoices"] = 300] = "MultipleChoices";
    HttpCodes[HttpCodes["MovedPermanently"] = 301] = "MovedPermanently";
    HttpCodes[HttpCodes["ResourceMoved"] = 302] = "ResourceMoved";
    HttpCodes[HttpCodes["SeeOther"] = 303] = "SeeOther";
    HttpCodes[HttpCodes["NotModified"] = 304] = "NotModified";
    HttpCodes[HttpCodes["UseProxy"] = 305] = "UseProxy";
    HttpCodes[HttpCodes["SwitchProxy"] = 306] = "SwitchProxy";
    HttpCodes[HttpCodes["TemporaryRedirect"] = 307] = "TemporaryRedirect";
    HttpCodes[HttpCodes["PermanentRedirect"] = 308] = "PermanentRedirect";
    HttpCodes[HttpCodes["BadRequest"] = 400] = "BadRequest";
    HttpCodes[HttpCodes["Unauthorized"] = 401] = "Unauthorized";
    HttpCodes[HttpCodes["PaymentRequired"] = 402] = "PaymentRequired";
    HttpCodes[HttpCodes["Forbidden"] = 403] = "Forbidden";
    HttpCodes[HttpCodes["NotFound"] = 404] = "NotFound";
    HttpCodes[HttpCodes["MethodNotAllowed"] = 405] = "MethodNotAllowed";
    HttpCodes[HttpCodes["NotAcceptable"] = 406] = "NotAcceptable";
    HttpCodes[HttpCodes["ProxyAuthenticationRequired"] = 407] = "ProxyAuthenticationRequired";
    HttpCodes[HttpCodes["RequestTimeout"] = 408] = "RequestTimeout";
    HttpCodes[HttpCodes["Conflict"] = 409] = "Conflict";
    HttpCodes[HttpCodes["Gone"] = 410] = "Gone";
    HttpCodes[HttpCodes["TooManyRequests"] = 429] = "TooManyRequests";
    HttpCodes[HttpCodes["InternalServerError"] = 500] = "InternalServerError";
    HttpCodes[HttpCodes["NotImplemented"] = 501] = "NotImplemented";
    HttpCodes[HttpCodes["BadGateway"] = 502] = "BadGateway";
    HttpCodes[HttpCodes["ServiceUnavailable"] = 503] = "ServiceUnavailable";
    HttpCodes[HttpCodes["GatewayTimeout"] = 504] = "GatewayTimeout";
})(HttpCodes || (HttpCodes = {}));
var Headers;
(function (Headers) {
    Headers["Accept"] = "accept";
    Headers["ContentType"] = "content-type";
})(Headers || (Headers = {}));
var MediaTypes;
(function (MediaTypes) {
    MediaTypes["ApplicationJson"] = "application/json";
})(MediaTypes || (MediaTypes = {}));
/**
 * Returns the proxy URL, depending upon the supplied url and proxy environment variables.
 * @param serverUrl  The server URL where the request will be sent. For example, https://api.github.com
 */
function lib_getProxyUrl(serverUrl) {
    const proxyUrl = pm.getProxyUrl(new URL(serverUrl));
    return proxyUrl ? proxyUrl.href : '';
}
const HttpRedirectCodes = [
    HttpCodes.MovedPermanently,
    HttpCodes.ResourceMoved,
    HttpCodes.SeeOther,
    HttpCodes.TemporaryRedirect,
    HttpCodes.PermanentRedirect
];
const HttpResponseRetryCodes = [
    HttpCodes.BadGateway,
    HttpCodes.ServiceUnavailable,
    HttpCodes.GatewayTimeout
];
const RetryableHttpVerbs = (/* unused pure expression or super */ null && (['OPTIONS', 'GET', 'DELETE', 'HEAD']));
const ExponentialBackoffCeiling = 10;
const ExponentialBackoffTimeSlice = 5;
class HttpClientError extends Error {
    constructor(message, statusCode) {
        super(message);
        this.name = 'HttpClientError';
        this.statusCode = statusCode;
        Object.setPrototypeOf(this, HttpClientError.prototype);
    }
}
class HttpClientResponse {
    constructor(message) {
        this.message = message;
    }
    readBody() {
        return __awaiter(this, void 0, void 0, function* () {
            return new Promise((resolve) => __awaiter(this, void 0, void 0, function* () {
                let output = Buffer.alloc(0);
                this.message.on('data', (chunk) => {
                    output = Buffer.concat([output, chunk]);
                });
                this.message.on('end', () => {
                    resolve(output.toString());
                });
            }));
        });
    }
    readBodyBuffer() {
        return __awaiter(this, void 0, void 0, function* () {
            return new Promise((resolve) => __awaiter(this, void 0, void 0, function* () {
                const chunks = [];
                this.message.on('data', (chunk) => {
                    chunks.push(chunk);
                });
                this.message.on('end', () => {
                    resolve(Buffer.concat(chunks));
                });
            }));
        });
    }
}
function isHttps(requestUrl) {
    const parsedUrl = new URL(requestUrl);
    return parsedUrl.protocol === 'https:';
}
class lib_HttpClient {
    constructor(userAgent, handlers, requestOptions) {
        this._ignoreSslError = false;
        this._allowRedirects = true;
        this._allowRedirectDowngrade = false;
        this._maxRedirects = 50;
        this._allowRetries = false;
        this._maxRetries = 1;
        this._keepAlive = false;
        this._disposed = false;
        this.userAgent = this._getUserAgentWithOrchestrationId(userAgent);
        this.handlers = handlers || [];
        this.requestOptions = requestOptions;
        if (requestOptions) {
            if (requestOptions.ignoreSslError != null) {
                this._ignoreSslError = requestOptions.ignoreSslError;
            }
            this._socketTimeout = requestOptions.socketTimeout;
            if (requestOptions.allowRedirects != null) {
                this._allowRedirects = requestOptions.allowRedirects;
            }
            if (requestOptions.allowRedirectDowngrade != null) {
                this._allowRedirectDowngrade = requestOptions.allowRedirectDowngrade;
            }
            if (requestOptions.maxRedirects != null) {
                this._maxRedirects = Math.max(requestOptions.maxRedirects, 0);
            }
            if (requestOptions.keepAlive != null) {
                this._keepAlive = requestOptions.keepAlive;
            }
            if (requestOptions.allowRetries != null) {
                this._allowRetries = requestOptions.allowRetries;
            }
            if (requestOptions.maxRetries != null) {
                this._maxRetries = requestOptions.maxRetries;
            }
        }
    }
    options(requestUrl, additionalHeaders) {
        return __awaiter(this, void 0, void 0, function* () {
            return this.request('OPTIONS', requestUrl, null, additionalHeaders || {});
        });
    }
    get(requestUrl, additionalHeaders) {
        return __awaiter(this, void 0, void 0, function* () {
            return this.request('GET', requestUrl, null, additionalHeaders || {});
        });
    }
    del(requestUrl, additionalHeaders) {
        return __awaiter(this, void 0, void 0, function* () {
            return this.request('DELETE', requestUrl, null, additionalHeaders || {});
        });
    }
    post(requestUrl, data, additionalHeaders) {
        return __awaiter(this, void 0, void 0, function* () {
            return this.request('POST', requestUrl, data, additionalHeaders || {});
        });
    }
    patch(requestUrl, data, additionalHeaders) {
        return __awaiter(this, void 0, void 0, function* () {
            return this.request('PATCH', requestUrl, data, additionalHeaders || {});
        });
    }
    put(requestUrl, data, additionalHeaders) {
        return __awaiter(this, void 0, void 0, function* () {
            return this.request('PUT', requestUrl, data, additionalHeaders || {});
        });
    }
    head(requestUrl, additionalHeaders) {
        return __awaiter(this, void 0, void 0, function* () {
            return this.request('HEAD', requestUrl, null, additionalHeaders || {});
        });
    }
    sendStream(verb, requestUrl, stream, additionalHeaders) {
        return __awaiter(this, void 0, void 0, function* () {
            return this.request(verb, requestUrl, stream, additionalHeaders);
        });
    }
    /**
     * Gets a typed object from an endpoint
     * Be aware that not found returns a null.  Other errors (4xx, 5xx) reject the promise
     */
    getJson(requestUrl_1) {
        return __awaiter(this, arguments, void 0, function* (requestUrl, additionalHeaders = {}) {
            additionalHeaders[Headers.Accept] = this._getExistingOrDefaultHeader(additionalHeaders, Headers.Accept, MediaTypes.ApplicationJson);
            const res = yield this.get(requestUrl, additionalHeaders);
            return this._processResponse(res, this.requestOptions);
        });
    }
    postJson(requestUrl_1, obj_1) {
        return __awaiter(this, arguments, void 0, function* (requestUrl, obj, additionalHeaders = {}) {
            const data = JSON.stringify(obj, null, 2);
            additionalHeaders[Headers.Accept] = this._getExistingOrDefaultHeader(additionalHeaders, Headers.Accept, MediaTypes.ApplicationJson);
            additionalHeaders[Headers.ContentType] =
                this._getExistingOrDefaultContentTypeHeader(additionalHeaders, MediaTypes.ApplicationJson);
            const res = yield this.post(requestUrl, data, additionalHeaders);
            return this._processResponse(res, this.requestOptions);
        });
    }
    putJson(requestUrl_1, obj_1) {
        return __awaiter(this, arguments, void 0, function* (requestUrl, obj, additionalHeaders = {}) {
            const data = JSON.stringify(obj, null, 2);
            additionalHeaders[Headers.Accept] = this._getExistingOrDefaultHeader(additionalHeaders, Headers.Accept, MediaTypes.ApplicationJson);
            additionalHeaders[Headers.ContentType] =
                this._getExistingOrDefaultContentTypeHeader(additionalHeaders, MediaTypes.ApplicationJson);
            const res = yield this.put(requestUrl, data, additionalHeaders);
            return this._processResponse(res, this.requestOptions);
        });
    }
    patchJson(requestUrl_1, obj_1) {
        return __awaiter(this, arguments, void 0, function* (requestUrl, obj, additionalHeaders = {}) {
            const data = JSON.stringify(obj, null, 2);
            additionalHeaders[Headers.Accept] = this._getExistingOrDefaultHeader(additionalHeaders, Headers.Accept, MediaTypes.ApplicationJson);
            additionalHeaders[Headers.ContentType] =
                this._getExistingOrDefaultContentTypeHeader(additionalHeaders, MediaTypes.ApplicationJson);
            const res = yield this.patch(requestUrl, data, additionalHeaders);
            return this._processResponse(res, this.requestOptions);
        });
    }
    /**
     * Makes a raw http request.
     * All other methods such as get, post, patch, and request ultimately call this.
     * Prefer get, del, post and patch
     */
    request(verb, requestUrl, data, headers) {
        return __awaiter(this, void 0, void 0, function* () {
            if (this._disposed) {
                throw new Error('Client has already been disposed.');
            }
            const parsedUrl = new URL(requestUrl);
            let info = this._prepareRequest(verb, parsedUrl, headers);
            // Only perform retries on reads since writes may not be idempotent.
            const maxTries = this._allowRetries && RetryableHttpVerbs.includes(verb)
                ? this._maxRetries + 1
                : 1;
            let numTries = 0;
            let response;
            do {
                response = yield this.requestRaw(info, data);
                // Check if it's an authentication challenge
                if (response &&
                    response.message &&
                    response.message.statusCode === HttpCodes.Unauthorized) {
                    let authenticationHandler;
                    for (const handler of this.handlers) {
                        if (handler.canHandleAuthentication(response)) {
                            authenticationHandler = handler;
                            break;
                        }
                    }
                    if (authenticationHandler) {
                        return authenticationHandler.handleAuthentication(this, info, data);
                    }
                    else {
                        // We have received an unauthorized response but have no handlers to handle it.
                        // Let the response return to the caller.
                        return response;
                    }
                }
                let redirectsRemaining = this._maxRedirects;
                while (response.message.statusCode &&
                    HttpRedirectCodes.includes(response.message.statusCode) &&
                    this._allowRedirects &&
                    redirectsRemaining > 0) {
                    const redirectUrl = response.message.headers['location'];
                    if (!redirectUrl) {
                        // if there's no location to redirect to, we won't
                        break;
                    }
                    const parsedRedirectUrl = new URL(redirectUrl);
                    if (parsedUrl.protocol === 'https:' &&
                        parsedUrl.protocol !== parsedRedirectUrl.protocol &&
                        !this._allowRedirectDowngrade) {
                        throw new Error('Redirect from HTTPS to HTTP protocol. This downgrade is not allowed for security reasons. If you want to allow this behavior, set the allowRedirectDowngrade option to true.');
                    }
                    // we need to finish reading the response before reassigning response
                    // which will leak the open socket.
                    yield response.readBody();
                    // strip authorization header if redirected to a different hostname
                    if (parsedRedirectUrl.hostname !== parsedUrl.hostname) {
                        for (const header in headers) {
                            // header names are case insensitive
                            if (header.toLowerCase() === 'authorization') {
                                delete headers[header];
                            }
                        }
                    }
                    // let's make the request with the new redirectUrl
                    info = this._prepareRequest(verb, parsedRedirectUrl, headers);
                    response = yield this.requestRaw(info, data);
                    redirectsRemaining--;
                }
                if (!response.message.statusCode ||
                    !HttpResponseRetryCodes.includes(response.message.statusCode)) {
                    // If not a retry code, return immediately instead of retrying
                    return response;
                }
                numTries += 1;
                if (numTries < maxTries) {
                    yield response.readBody();
                    yield this._performExponentialBackoff(numTries);
                }
            } while (numTries < maxTries);
            return response;
        });
    }
    /**
     * Needs to be called if keepAlive is set to true in request options.
     */
    dispose() {
        if (this._agent) {
            this._agent.destroy();
        }
        this._disposed = true;
    }
    /**
     * Raw request.
     * @param info
     * @param data
     */
    requestRaw(info, data) {
        return __awaiter(this, void 0, void 0, function* () {
            return new Promise((resolve, reject) => {
                function callbackForResult(err, res) {
                    if (err) {
                        reject(err);
                    }
                    else if (!res) {
                        // If `err` is not passed, then `res` must be passed.
                        reject(new Error('Unknown error'));
                    }
                    else {
                        resolve(res);
                    }
                }
                this.requestRawWithCallback(info, data, callbackForResult);
            });
        });
    }
    /**
     * Raw request with callback.
     * @param info
     * @param data
     * @param onResult
     */
    requestRawWithCallback(info, data, onResult) {
        if (typeof data === 'string') {
            if (!info.options.headers) {
                info.options.headers = {};
            }
            info.options.headers['Content-Length'] = Buffer.byteLength(data, 'utf8');
        }
        let callbackCalled = false;
        function handleResult(err, res) {
            if (!callbackCalled) {
                callbackCalled = true;
                onResult(err, res);
            }
        }
        const req = info.httpModule.request(info.options, (msg) => {
            const res = new HttpClientResponse(msg);
            handleResult(undefined, res);
        });
        let socket;
        req.on('socket', sock => {
            socket = sock;
        });
        // If we ever get disconnected, we want the socket to timeout eventually
        req.setTimeout(this._socketTimeout || 3 * 60000, () => {
            if (socket) {
                socket.end();
            }
            handleResult(new Error(`Request timeout: ${info.options.path}`));
        });
        req.on('error', function (err) {
            // err has statusCode property
            // res should have headers
            handleResult(err);
        });
        if (data && typeof data === 'string') {
            req.write(data, 'utf8');
        }
        if (data && typeof data !== 'string') {
            data.on('close', function () {
                req.end();
            });
            data.pipe(req);
        }
        else {
            req.end();
        }
    }
    /**
     * Gets an http agent. This function is useful when you need an http agent that handles
     * routing through a proxy server - depending upon the url and proxy environment variables.
     * @param serverUrl  The server URL where the request will be sent. For example, https://api.github.com
     */
    getAgent(serverUrl) {
        const parsedUrl = new URL(serverUrl);
        return this._getAgent(parsedUrl);
    }
    getAgentDispatcher(serverUrl) {
        const parsedUrl = new URL(serverUrl);
        const proxyUrl = pm.getProxyUrl(parsedUrl);
        const useProxy = proxyUrl && proxyUrl.hostname;
        if (!useProxy) {
            return;
        }
        return this._getProxyAgentDispatcher(parsedUrl, proxyUrl);
    }
    _prepareRequest(method, requestUrl, headers) {
        const info = {};
        info.parsedUrl = requestUrl;
        const usingSsl = info.parsedUrl.protocol === 'https:';
        info.httpModule = usingSsl ? https : http;
        const defaultPort = usingSsl ? 443 : 80;
        info.options = {};
        info.options.host = info.parsedUrl.hostname;
        info.options.port = info.parsedUrl.port
            ? parseInt(info.parsedUrl.port)
            : defaultPort;
        info.options.path =
            (info.parsedUrl.pathname || '') + (info.parsedUrl.search || '');
        info.options.method = method;
        info.options.headers = this._mergeHeaders(headers);
        if (this.userAgent != null) {
            info.options.headers['user-agent'] = this.userAgent;
        }
        info.options.agent = this._getAgent(info.parsedUrl);
        // gives handlers an opportunity to participate
        if (this.handlers) {
            for (const handler of this.handlers) {
                handler.prepareRequest(info.options);
            }
        }
        return info;
    }
    _mergeHeaders(headers) {
        if (this.requestOptions && this.requestOptions.headers) {
            return Object.assign({}, lowercaseKeys(this.requestOptions.headers), lowercaseKeys(headers || {}));
        }
        return lowercaseKeys(headers || {});
    }
    /**
     * Gets an existing header value or returns a default.
     * Handles converting number header values to strings since HTTP headers must be strings.
     * Note: This returns string | string[] since some headers can have multiple values.
     * For headers that must always be a single string (like Content-Type), use the
     * specialized _getExistingOrDefaultContentTypeHeader method instead.
     */
    _getExistingOrDefaultHeader(additionalHeaders, header, _default) {
        let clientHeader;
        if (this.requestOptions && this.requestOptions.headers) {
            const headerValue = lowercaseKeys(this.requestOptions.headers)[header];
            if (headerValue) {
                clientHeader =
                    typeof headerValue === 'number' ? headerValue.toString() : headerValue;
            }
        }
        const additionalValue = additionalHeaders[header];
        if (additionalValue !== undefined) {
            return typeof additionalValue === 'number'
                ? additionalValue.toString()
                : additionalValue;
        }
        if (clientHeader !== undefined) {
            return clientHeader;
        }
        return _default;
    }
    /**
     * Specialized version of _getExistingOrDefaultHeader for Content-Type header.
     * Always returns a single string (not an array) since Content-Type should be a single value.
     * Converts arrays to comma-separated strings and numbers to strings to ensure type safety.
     * This was split from _getExistingOrDefaultHeader to provide stricter typing for callers
     * that assign the result to places expecting a string (e.g., additionalHeaders[Headers.ContentType]).
     */
    _getExistingOrDefaultContentTypeHeader(additionalHeaders, _default) {
        let clientHeader;
        if (this.requestOptions && this.requestOptions.headers) {
            const headerValue = lowercaseKeys(this.requestOptions.headers)[Headers.ContentType];
            if (headerValue) {
                if (typeof headerValue === 'number') {
                    clientHeader = String(headerValue);
                }
                else if (Array.isArray(headerValue)) {
                    clientHeader = headerValue.join(', ');
                }
                else {
                    clientHeader = headerValue;
                }
            }
        }
        const additionalValue = additionalHeaders[Headers.ContentType];
        // Return the first non-undefined value, converting numbers or arrays to strings if necessary
        if (additionalValue !== undefined) {
            if (typeof additionalValue === 'number') {
                return String(additionalValue);
            }
            else if (Array.isArray(additionalValue)) {
                return additionalValue.join(', ');
            }
            else {
                return additionalValue;
            }
        }
        if (clientHeader !== undefined) {
            return clientHeader;
        }
        return _default;
    }
    _getAgent(parsedUrl) {
        let agent;
        const proxyUrl = pm.getProxyUrl(parsedUrl);
        const useProxy = proxyUrl && proxyUrl.hostname;
        if (this._keepAlive && useProxy) {
            agent = this._proxyAgent;
        }
        if (!useProxy) {
            agent = this._agent;
        }
        // if agent is already assigned use that agent.
        if (agent) {
            return agent;
        }
        const usingSsl = parsedUrl.protocol === 'https:';
        let maxSockets = 100;
        if (this.requestOptions) {
            maxSockets = this.requestOptions.maxSockets || http.globalAgent.maxSockets;
        }
        // This is `useProxy` again, but we need to check `proxyURl` directly for TypeScripts's flow analysis.
        if (proxyUrl && proxyUrl.hostname) {
            const agentOptions = {
                maxSockets,
                keepAlive: this._keepAlive,
                proxy: Object.assign(Object.assign({}, ((proxyUrl.username || proxyUrl.password) && {
                    proxyAuth: `${proxyUrl.username}:${proxyUrl.password}`
                })), { host: proxyUrl.hostname, port: proxyUrl.port })
            };
            let tunnelAgent;
            const overHttps = proxyUrl.protocol === 'https:';
            if (usingSsl) {
                tunnelAgent = overHttps ? tunnel.httpsOverHttps : tunnel.httpsOverHttp;
            }
            else {
                tunnelAgent = overHttps ? tunnel.httpOverHttps : tunnel.httpOverHttp;
            }
            agent = tunnelAgent(agentOptions);
            this._proxyAgent = agent;
        }
        // if tunneling agent isn't assigned create a new agent
        if (!agent) {
            const options = { keepAlive: this._keepAlive, maxSockets };
            agent = usingSsl ? new https.Agent(options) : new http.Agent(options);
            this._agent = agent;
        }
        if (usingSsl && this._ignoreSslError) {
            // we don't want to set NODE_TLS_REJECT_UNAUTHORIZED=0 since that will affect request for entire process
            // http.RequestOptions doesn't expose a way to modify RequestOptions.agent.options
            // we have to cast it to any and change it directly
            agent.options = Object.assign(agent.options || {}, {
                rejectUnauthorized: false
            });
        }
        return agent;
    }
    _getProxyAgentDispatcher(parsedUrl, proxyUrl) {
        let proxyAgent;
        if (this._keepAlive) {
            proxyAgent = this._proxyAgentDispatcher;
        }
        // if agent is already assigned use that agent.
        if (proxyAgent) {
            return proxyAgent;
        }
        const usingSsl = parsedUrl.protocol === 'https:';
        proxyAgent = new ProxyAgent(Object.assign({ uri: proxyUrl.href, pipelining: !this._keepAlive ? 0 : 1 }, ((proxyUrl.username || proxyUrl.password) && {
            token: `Basic ${Buffer.from(`${proxyUrl.username}:${proxyUrl.password}`).toString('base64')}`
        })));
        this._proxyAgentDispatcher = proxyAgent;
        if (usingSsl && this._ignoreSslError) {
            // we don't want to set NODE_TLS_REJECT_UNAUTHORIZED=0 since that will affect request for entire process
            // http.RequestOptions doesn't expose a way to modify RequestOptions.agent.options
            // we have to cast it to any and change it directly
            proxyAgent.options = Object.assign(proxyAgent.options.requestTls || {}, {
                rejectUnauthorized: false
            });
        }
        return proxyAgent;
    }
    _getUserAgentWithOrchestrationId(userAgent) {
        const baseUserAgent = userAgent || 'actions/http-client';
        const orchId = process.env['ACTIONS_ORCHESTRATION_ID'];
        if (orchId) {
            // Sanitize the orchestration ID to ensure it contains only valid characters
            // Valid characters: 0-9, a-z, _, -, .
            const sanitizedId = orchId.replace(/[^a-z0-9_.-]/gi, '_');
            return `${baseUserAgent} actions_orchestration_id/${sanitizedId}`;
        }
        return baseUserAgent;
    }
    _performExponentialBackoff(retryNumber) {
        return __awaiter(this, void 0, void 0, function* () {
            retryNumber = Math.min(ExponentialBackoffCeiling, retryNumber);
            const ms = ExponentialBackoffTimeSlice * Math.pow(2, retryNumber);
            return new Promise(resolve => setTimeout(() => resolve(), ms));
        });
    }
    _processResponse(res, options) {
        return __awaiter(this, void 0, void 0, function* () {
            return new Promise((resolve, reject) => __awaiter(this, void 0, void 0, function* () {
                const statusCode = res.message.statusCode || 0;
                const response = {
                    statusCode,
                    result: null,
                    headers: {}
                };
                // not found leads to null obj returned
                if (statusCode === HttpCodes.NotFound) {
                    resolve(response);
                }
                // get the result from the body
                function dateTimeDeserializer(key, value) {
                    if (typeof value === 'string') {
                        const a = new Date(value);
                        if (!isNaN(a.valueOf())) {
                            return a;
                        }
                    }
                    return value;
                }
                let obj;
                let contents;
                try {
                    contents = yield res.readBody();
                    if (contents && contents.length > 0) {
                        if (options && options.deserializeDates) {
                            obj = JSON.parse(contents, dateTimeDeserializer);
                        }
                        else {
                            obj = JSON.parse(contents);
                        }
                        response.result = obj;
                    }
                    response.headers = res.message.headers;
                }
                catch (err) {
                    // Invalid resource (contents not json);  leaving result obj null
                }
                // note that 3xx redirects are handled by the http layer.
                if (statusCode > 299) {
                    let msg;
                    // if exception/error in body, attempt to get better error
                    if (obj && obj.message) {
                        msg = obj.message;
                    }
                    else if (contents && contents.length > 0) {
                        // it may be the case that the exception is in the body message as string
                        msg = contents;
                    }
                    else {
                        msg = `Failed request: (${statusCode})`;
                    }
                    const err = new HttpClientError(msg, statusCode);
                    err.result = response.result;
                    reject(err);
                }
                else {
                    resolve(response);
                }
            }));
        });
    }
}
const lowercaseKeys = (obj) => Object.keys(obj).reduce((c, k) => ((c[k.toLowerCase()] = obj[k]), c), {});
//# sourceMappingURL=index.js.map
;// CONCATENATED MODULE: ./node_modules/@actions/http-client/lib/auth.js
var auth_awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};
class BasicCredentialHandler {
    constructor(username, password) {
        this.username = username;
        this.password = password;
    }
    prepareRequest(options) {
        if (!options.headers) {
            throw Error('The request has no headers');
        }
        options.headers['Authorization'] = `Basic ${Buffer.from(`${this.username}:${this.password}`).toString('base64')}`;
    }
    // This handler cannot handle 401
    canHandleAuthentication() {
        return false;
    }
    handleAuthentication() {
        return auth_awaiter(this, void 0, void 0, function* () {
            throw new Error('not implemented');
        });
    }
}
class auth_BearerCredentialHandler {
    constructor(token) {
        this.token = token;
    }
    // currently implements pre-authorization
    // TODO: support preAuth = false where it hooks on 401
    prepareRequest(options) {
        if (!options.headers) {
            throw Error('The request has no headers');
        }
        options.headers['Authorization'] = `Bearer ${this.token}`;
    }
    // This handler cannot handle 401
    canHandleAuthentication() {
        return false;
    }
    handleAuthentication() {
        return auth_awaiter(this, void 0, void 0, function* () {
            throw new Error('not implemented');
        });
    }
}
class PersonalAccessTokenCredentialHandler {
    constructor(token) {
        this.token = token;
    }
    // currently implements pre-authorization
    // TODO: support preAuth = false where it hooks on 401
    prepareRequest(options) {
        if (!options.headers) {
            throw Error('The request has no headers');
        }
        options.headers['Authorization'] = `Basic ${Buffer.from(`PAT:${this.token}`).toString('base64')}`;
    }
    // This handler cannot handle 401
    canHandleAuthentication() {
        return false;
    }
    handleAuthentication() {
        return auth_awaiter(this, void 0, void 0, function* () {
            throw new Error('not implemented');
        });
    }
}
//# sourceMappingURL=auth.js.map
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/oidc-utils.js
var oidc_utils_awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};



class oidc_utils_OidcClient {
    static createHttpClient(allowRetry = true, maxRetry = 10) {
        const requestOptions = {
            allowRetries: allowRetry,
            maxRetries: maxRetry
        };
        return new HttpClient('actions/oidc-client', [new BearerCredentialHandler(oidc_utils_OidcClient.getRequestToken())], requestOptions);
    }
    static getRequestToken() {
        const token = process.env['ACTIONS_ID_TOKEN_REQUEST_TOKEN'];
        if (!token) {
            throw new Error('Unable to get ACTIONS_ID_TOKEN_REQUEST_TOKEN env variable');
        }
        return token;
    }
    static getIDTokenUrl() {
        const runtimeUrl = process.env['ACTIONS_ID_TOKEN_REQUEST_URL'];
        if (!runtimeUrl) {
            throw new Error('Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable');
        }
        return runtimeUrl;
    }
    static getCall(id_token_url) {
        return oidc_utils_awaiter(this, void 0, void 0, function* () {
            var _a;
            const httpclient = oidc_utils_OidcClient.createHttpClient();
            const res = yield httpclient
                .getJson(id_token_url)
                .catch(error => {
                throw new Error(`Failed to get ID Token. \n 
        Error Code : ${error.statusCode}\n 
        Error Message: ${error.message}`);
            });
            const id_token = (_a = res.result) === null || _a === void 0 ? void 0 : _a.value;
            if (!id_token) {
                throw new Error('Response json body do not have ID Token field');
            }
            return id_token;
        });
    }
    static getIDToken(audience) {
        return oidc_utils_awaiter(this, void 0, void 0, function* () {
            try {
                // New ID Token is requested from action service
                let id_token_url = oidc_utils_OidcClient.getIDTokenUrl();
                if (audience) {
                    const encodedAudience = encodeURIComponent(audience);
                    id_token_url = `${id_token_url}&audience=${encodedAudience}`;
                }
                debug(`ID token url is ${id_token_url}`);
                const id_token = yield oidc_utils_OidcClient.getCall(id_token_url);
                setSecret(id_token);
                return id_token;
            }
            catch (error) {
                throw new Error(`Error message: ${error.message}`);
            }
        });
    }
}
//# sourceMappingURL=oidc-utils.js.map
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/summary.js
var summary_awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};


const { access, appendFile, writeFile } = external_fs_.promises;
const SUMMARY_ENV_VAR = 'GITHUB_STEP_SUMMARY';
const SUMMARY_DOCS_URL = 'https://docs.github.com/actions/using-workflows/workflow-commands-for-github-actions#adding-a-job-summary';
class Summary {
    constructor() {
        this._buffer = '';
    }
    /**
     * Finds the summary file path from the environment, rejects if env var is not found or file does not exist
     * Also checks r/w permissions.
     *
     * @returns step summary file path
     */
    filePath() {
        return summary_awaiter(this, void 0, void 0, function* () {
            if (this._filePath) {
                return this._filePath;
            }
            const pathFromEnv = process.env[SUMMARY_ENV_VAR];
            if (!pathFromEnv) {
                throw new Error(`Unable to find environment variable for $${SUMMARY_ENV_VAR}. Check if your runtime environment supports job summaries.`);
            }
            try {
                yield access(pathFromEnv, external_fs_.constants.R_OK | external_fs_.constants.W_OK);
            }
            catch (_a) {
                throw new Error(`Unable to access summary file: '${pathFromEnv}'. Check if the file has correct read/write permissions.`);
            }
            this._filePath = pathFromEnv;
            return this._filePath;
        });
    }
    /**
     * Wraps content in an HTML tag, adding any HTML attributes
     *
     * @param {string} tag HTML tag to wrap
     * @param {string | null} content content within the tag
     * @param {[attribute: string]: string} attrs key-value list of HTML attributes to add
     *
     * @returns {string} content wrapped in HTML element
     */
    wrap(tag, content, attrs = {}) {
        const htmlAttrs = Object.entries(attrs)
            .map(([key, value]) => ` ${key}="${value}"`)
            .join('');
        if (!content) {
            return `<${tag}${htmlAttrs}>`;
        }
        return `<${tag}${htmlAttrs}>${content}</${tag}>`;
    }
    /**
     * Writes text in the buffer to the summary buffer file and empties buffer. Will append by default.
     *
     * @param {SummaryWriteOptions} [options] (optional) options for write operation
     *
     * @returns {Promise<Summary>} summary instance
     */
    write(options) {
        return summary_awaiter(this, void 0, void 0, function* () {
            const overwrite = !!(options === null || options === void 0 ? void 0 : options.overwrite);
            const filePath = yield this.filePath();
            const writeFunc = overwrite ? writeFile : appendFile;
            yield writeFunc(filePath, this._buffer, { encoding: 'utf8' });
            return this.emptyBuffer();
        });
    }
    /**
     * Clears the summary buffer and wipes the summary file
     *
     * @returns {Summary} summary instance
     */
    clear() {
        return summary_awaiter(this, void 0, void 0, function* () {
            return this.emptyBuffer().write({ overwrite: true });
        });
    }
    /**
     * Returns the current summary buffer as a string
     *
     * @returns {string} string of summary buffer
     */
    stringify() {
        return this._buffer;
    }
    /**
     * If the summary buffer is empty
     *
     * @returns {boolen} true if the buffer is empty
     */
    isEmptyBuffer() {
        return this._buffer.length === 0;
    }
    /**
     * Resets the summary buffer without writing to summary file
     *
     * @returns {Summary} summary instance
     */
    emptyBuffer() {
        this._buffer = '';
        return this;
    }
    /**
     * Adds raw text to the summary buffer
     *
     * @param {string} text content to add
     * @param {boolean} [addEOL=false] (optional) append an EOL to the raw text (default: false)
     *
     * @returns {Summary} summary instance
     */
    addRaw(text, addEOL = false) {
        this._buffer += text;
        return addEOL ? this.addEOL() : this;
    }
    /**
     * Adds the operating system-specific end-of-line marker to the buffer
     *
     * @returns {Summary} summary instance
     */
    addEOL() {
        return this.addRaw(external_os_.EOL);
    }
    /**
     * Adds an HTML codeblock to the summary buffer
     *
     * @param {string} code content to render within fenced code block
     * @param {string} lang (optional) language to syntax highlight code
     *
     * @returns {Summary} summary instance
     */
    addCodeBlock(code, lang) {
        const attrs = Object.assign({}, (lang && { lang }));
        const element = this.wrap('pre', this.wrap('code', code), attrs);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML list to the summary buffer
     *
     * @param {string[]} items list of items to render
     * @param {boolean} [ordered=false] (optional) if the rendered list should be ordered or not (default: false)
     *
     * @returns {Summary} summary instance
     */
    addList(items, ordered = false) {
        const tag = ordered ? 'ol' : 'ul';
        const listItems = items.map(item => this.wrap('li', item)).join('');
        const element = this.wrap(tag, listItems);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML table to the summary buffer
     *
     * @param {SummaryTableCell[]} rows table rows
     *
     * @returns {Summary} summary instance
     */
    addTable(rows) {
        const tableBody = rows
            .map(row => {
            const cells = row
                .map(cell => {
                if (typeof cell === 'string') {
                    return this.wrap('td', cell);
                }
                const { header, data, colspan, rowspan } = cell;
                const tag = header ? 'th' : 'td';
                const attrs = Object.assign(Object.assign({}, (colspan && { colspan })), (rowspan && { rowspan }));
                return this.wrap(tag, data, attrs);
            })
                .join('');
            return this.wrap('tr', cells);
        })
            .join('');
        const element = this.wrap('table', tableBody);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds a collapsable HTML details element to the summary buffer
     *
     * @param {string} label text for the closed state
     * @param {string} content collapsable content
     *
     * @returns {Summary} summary instance
     */
    addDetails(label, content) {
        const element = this.wrap('details', this.wrap('summary', label) + content);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML image tag to the summary buffer
     *
     * @param {string} src path to the image you to embed
     * @param {string} alt text description of the image
     * @param {SummaryImageOptions} options (optional) addition image attributes
     *
     * @returns {Summary} summary instance
     */
    addImage(src, alt, options) {
        const { width, height } = options || {};
        const attrs = Object.assign(Object.assign({}, (width && { width })), (height && { height }));
        const element = this.wrap('img', null, Object.assign({ src, alt }, attrs));
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML section heading element
     *
     * @param {string} text heading text
     * @param {number | string} [level=1] (optional) the heading level, default: 1
     *
     * @returns {Summary} summary instance
     */
    addHeading(text, level) {
        const tag = `h${level}`;
        const allowedTag = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].includes(tag)
            ? tag
            : 'h1';
        const element = this.wrap(allowedTag, text);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML thematic break (<hr>) to the summary buffer
     *
     * @returns {Summary} summary instance
     */
    addSeparator() {
        const element = this.wrap('hr', null);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML line break (<br>) to the summary buffer
     *
     * @returns {Summary} summary instance
     */
    addBreak() {
        const element = this.wrap('br', null);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML blockquote to the summary buffer
     *
     * @param {string} text quote text
     * @param {string} cite (optional) citation url
     *
     * @returns {Summary} summary instance
     */
    addQuote(text, cite) {
        const attrs = Object.assign({}, (cite && { cite }));
        const element = this.wrap('blockquote', text, attrs);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML anchor tag to the summary buffer
     *
     * @param {string} text link text/content
     * @param {string} href hyperlink
     *
     * @returns {Summary} summary instance
     */
    addLink(text, href) {
        const element = this.wrap('a', text, { href });
        return this.addRaw(element).addEOL();
    }
}
const _summary = new Summary();
/**
 * @deprecated use `core.summary`
 */
const markdownSummary = (/* unused pure expression or super */ null && (_summary));
const summary = _summary;
//# sourceMappingURL=summary.js.map
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/path-utils.js

/**
 * toPosixPath converts the given path to the posix form. On Windows, \\ will be
 * replaced with /.
 *
 * @param pth. Path to transform.
 * @return string Posix path.
 */
function toPosixPath(pth) {
    return pth.replace(/[\\]/g, '/');
}
/**
 * toWin32Path converts the given path to the win32 form. On Linux, / will be
 * replaced with \\.
 *
 * @param pth. Path to transform.
 * @return string Win32 path.
 */
function toWin32Path(pth) {
    return pth.replace(/[/]/g, '\\');
}
/**
 * toPlatformPath converts the given path to a platform-specific path. It does
 * this by replacing instances of / and \ with the platform-specific path
 * separator.
 *
 * @param pth The path to platformize.
 * @return string The platform-specific path.
 */
function toPlatformPath(pth) {
    return pth.replace(/[/\\]/g, path.sep);
}
//# sourceMappingURL=path-utils.js.map
;// CONCATENATED MODULE: external "string_decoder"
const external_string_decoder_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("string_decoder");
;// CONCATENATED MODULE: external "child_process"
const external_child_process_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("child_process");
;// CONCATENATED MODULE: ./node_modules/@actions/io/lib/io-util.js
var io_util_awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};


const { chmod, copyFile, lstat, mkdir, open: io_util_open, readdir, rename, rm, rmdir, stat, symlink, unlink } = external_fs_.promises;
// export const {open} = 'fs'
const IS_WINDOWS = process.platform === 'win32';
/**
 * Custom implementation of readlink to ensure Windows junctions
 * maintain trailing backslash for backward compatibility with Node.js < 24
 *
 * In Node.js 20, Windows junctions (directory symlinks) always returned paths
 * with trailing backslashes. Node.js 24 removed this behavior, which breaks
 * code that relied on this format for path operations.
 *
 * This implementation restores the Node 20 behavior by adding a trailing
 * backslash to all junction results on Windows.
 */
function readlink(fsPath) {
    return io_util_awaiter(this, void 0, void 0, function* () {
        const result = yield fs.promises.readlink(fsPath);
        // On Windows, restore Node 20 behavior: add trailing backslash to all results
        // since junctions on Windows are always directory links
        if (IS_WINDOWS && !result.endsWith('\\')) {
            return `${result}\\`;
        }
        return result;
    });
}
// See https://github.com/nodejs/node/blob/d0153aee367422d0858105abec186da4dff0a0c5/deps/uv/include/uv/win.h#L691
const UV_FS_O_EXLOCK = 0x10000000;
const READONLY = external_fs_.constants.O_RDONLY;
function exists(fsPath) {
    return io_util_awaiter(this, void 0, void 0, function* () {
        try {
            yield stat(fsPath);
        }
        catch (err) {
            if (err.code === 'ENOENT') {
                return false;
            }
            throw err;
        }
        return true;
    });
}
function isDirectory(fsPath_1) {
    return io_util_awaiter(this, arguments, void 0, function* (fsPath, useStat = false) {
        const stats = useStat ? yield stat(fsPath) : yield lstat(fsPath);
        return stats.isDirectory();
    });
}
/**
 * On OSX/Linux, true if path starts with '/'. On Windows, true for paths like:
 * \, \hello, \\hello\share, C:, and C:\hello (and corresponding alternate separator cases).
 */
function isRooted(p) {
    p = normalizeSeparators(p);
    if (!p) {
        throw new Error('isRooted() parameter "p" cannot be empty');
    }
    if (IS_WINDOWS) {
        return (p.startsWith('\\') || /^[A-Z]:/i.test(p) // e.g. \ or \hello or \\hello
        ); // e.g. C: or C:\hello
    }
    return p.startsWith('/');
}
/**
 * Best effort attempt to determine whether a file exists and is executable.
 * @param filePath    file path to check
 * @param extensions  additional file extensions to try
 * @return if file exists and is executable, returns the file path. otherwise empty string.
 */
function tryGetExecutablePath(filePath, extensions) {
    return io_util_awaiter(this, void 0, void 0, function* () {
        let stats = undefined;
        try {
            // test file exists
            stats = yield stat(filePath);
        }
        catch (err) {
            if (err.code !== 'ENOENT') {
                // eslint-disable-next-line no-console
                console.log(`Unexpected error attempting to determine if executable file exists '${filePath}': ${err}`);
            }
        }
        if (stats && stats.isFile()) {
            if (IS_WINDOWS) {
                // on Windows, test for valid extension
                const upperExt = external_path_namespaceObject.extname(filePath).toUpperCase();
                if (extensions.some(validExt => validExt.toUpperCase() === upperExt)) {
                    return filePath;
                }
            }
            else {
                if (isUnixExecutable(stats)) {
                    return filePath;
                }
            }
        }
        // try each extension
        const originalFilePath = filePath;
        for (const extension of extensions) {
            filePath = originalFilePath + extension;
            stats = undefined;
            try {
                stats = yield stat(filePath);
            }
            catch (err) {
                if (err.code !== 'ENOENT') {
                    // eslint-disable-next-line no-console
                    console.log(`Unexpected error attempting to determine if executable file exists '${filePath}': ${err}`);
                }
            }
            if (stats && stats.isFile()) {
                if (IS_WINDOWS) {
                    // preserve the case of the actual file (since an extension was appended)
                    try {
                        const directory = external_path_namespaceObject.dirname(filePath);
                        const upperName = external_path_namespaceObject.basename(filePath).toUpperCase();
                        for (const actualName of yield readdir(directory)) {
                            if (upperName === actualName.toUpperCase()) {
                                filePath = external_path_namespaceObject.join(directory, actualName);
                                break;
                            }
                        }
                    }
                    catch (err) {
                        // eslint-disable-next-line no-console
                        console.log(`Unexpected error attempting to determine the actual case of the file '${filePath}': ${err}`);
                    }
                    return filePath;
                }
                else {
                    if (isUnixExecutable(stats)) {
                        return filePath;
                    }
                }
            }
        }
        return '';
    });
}
function normalizeSeparators(p) {
    p = p || '';
    if (IS_WINDOWS) {
        // convert slashes on Windows
        p = p.replace(/\//g, '\\');
        // remove redundant slashes
        return p.replace(/\\\\+/g, '\\');
    }
    // remove redundant slashes
    return p.replace(/\/\/+/g, '/');
}
// on Mac/Linux, test the execute bit
//     R   W  X  R  W X R W X
//   256 128 64 32 16 8 4 2 1
function isUnixExecutable(stats) {
    return ((stats.mode & 1) > 0 ||
        ((stats.mode & 8) > 0 &&
            process.getgid !== undefined &&
            stats.gid === process.getgid()) ||
        ((stats.mode & 64) > 0 &&
            process.getuid !== undefined &&
            stats.uid === process.getuid()));
}
// Get the path of cmd.exe in windows
function getCmdPath() {
    var _a;
    return (_a = process.env['COMSPEC']) !== null && _a !== void 0 ? _a : `cmd.exe`;
}
//# sourceMappingURL=io-util.js.map
;// CONCATENATED MODULE: ./node_modules/@actions/io/lib/io.js
var io_awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};



/**
 * Copies a file or folder.
 * Based off of shelljs - https://github.com/shelljs/shelljs/blob/9237f66c52e5daa40458f94f9565e18e8132f5a6/src/cp.js
 *
 * @param     source    source path
 * @param     dest      destination path
 * @param     options   optional. See CopyOptions.
 */
function cp(source_1, dest_1) {
    return io_awaiter(this, arguments, void 0, function* (source, dest, options = {}) {
        const { force, recursive, copySourceDirectory } = readCopyOptions(options);
        const destStat = (yield ioUtil.exists(dest)) ? yield ioUtil.stat(dest) : null;
        // Dest is an existing file, but not forcing
        if (destStat && destStat.isFile() && !force) {
            return;
        }
        // If dest is an existing directory, should copy inside.
        const newDest = destStat && destStat.isDirectory() && copySourceDirectory
            ? path.join(dest, path.basename(source))
            : dest;
        if (!(yield ioUtil.exists(source))) {
            throw new Error(`no such file or directory: ${source}`);
        }
        const sourceStat = yield ioUtil.stat(source);
        if (sourceStat.isDirectory()) {
            if (!recursive) {
                throw new Error(`Failed to copy. ${source} is a directory, but tried to copy without recursive flag.`);
            }
            else {
                yield cpDirRecursive(source, newDest, 0, force);
            }
        }
        else {
            if (path.relative(source, newDest) === '') {
                // a file cannot be copied to itself
                throw new Error(`'${newDest}' and '${source}' are the same file`);
            }
            yield io_copyFile(source, newDest, force);
        }
    });
}
/**
 * Moves a path.
 *
 * @param     source    source path
 * @param     dest      destination path
 * @param     options   optional. See MoveOptions.
 */
function mv(source_1, dest_1) {
    return io_awaiter(this, arguments, void 0, function* (source, dest, options = {}) {
        if (yield ioUtil.exists(dest)) {
            let destExists = true;
            if (yield ioUtil.isDirectory(dest)) {
                // If dest is directory copy src into dest
                dest = path.join(dest, path.basename(source));
                destExists = yield ioUtil.exists(dest);
            }
            if (destExists) {
                if (options.force == null || options.force) {
                    yield rmRF(dest);
                }
                else {
                    throw new Error('Destination already exists');
                }
            }
        }
        yield mkdirP(path.dirname(dest));
        yield ioUtil.rename(source, dest);
    });
}
/**
 * Remove a path recursively with force
 *
 * @param inputPath path to remove
 */
function rmRF(inputPath) {
    return io_awaiter(this, void 0, void 0, function* () {
        if (ioUtil.IS_WINDOWS) {
            // Check for invalid characters
            // https://docs.microsoft.com/en-us/windows/win32/fileio/naming-a-file
            if (/[*"<>|]/.test(inputPath)) {
                throw new Error('File path must not contain `*`, `"`, `<`, `>` or `|` on Windows');
            }
        }
        try {
            // note if path does not exist, error is silent
            yield ioUtil.rm(inputPath, {
                force: true,
                maxRetries: 3,
                recursive: true,
                retryDelay: 300
            });
        }
        catch (err) {
            throw new Error(`File was unable to be removed ${err}`);
        }
    });
}
/**
 * Make a directory.  Creates the full path with folders in between
 * Will throw if it fails
 *
 * @param   fsPath        path to create
 * @returns Promise<void>
 */
function mkdirP(fsPath) {
    return io_awaiter(this, void 0, void 0, function* () {
        ok(fsPath, 'a path argument must be provided');
        yield ioUtil.mkdir(fsPath, { recursive: true });
    });
}
/**
 * Returns path of a tool had the tool actually been invoked.  Resolves via paths.
 * If you check and the tool does not exist, it will throw.
 *
 * @param     tool              name of the tool
 * @param     check             whether to check if tool exists
 * @returns   Promise<string>   path to tool
 */
function which(tool, check) {
    return io_awaiter(this, void 0, void 0, function* () {
        if (!tool) {
            throw new Error("parameter 'tool' is required");
        }
        // recursive when check=true
        if (check) {
            const result = yield which(tool, false);
            if (!result) {
                if (IS_WINDOWS) {
                    throw new Error(`Unable to locate executable file: ${tool}. Please verify either the file path exists or the file can be found within a directory specified by the PATH environment variable. Also verify the file has a valid extension for an executable file.`);
                }
                else {
                    throw new Error(`Unable to locate executable file: ${tool}. Please verify either the file path exists or the file can be found within a directory specified by the PATH environment variable. Also check the file mode to verify the file is executable.`);
                }
            }
            return result;
        }
        const matches = yield findInPath(tool);
        if (matches && matches.length > 0) {
            return matches[0];
        }
        return '';
    });
}
/**
 * Returns a list of all occurrences of the given tool on the system path.
 *
 * @returns   Promise<string[]>  the paths of the tool
 */
function findInPath(tool) {
    return io_awaiter(this, void 0, void 0, function* () {
        if (!tool) {
            throw new Error("parameter 'tool' is required");
        }
        // build the list of extensions to try
        const extensions = [];
        if (IS_WINDOWS && process.env['PATHEXT']) {
            for (const extension of process.env['PATHEXT'].split(external_path_namespaceObject.delimiter)) {
                if (extension) {
                    extensions.push(extension);
                }
            }
        }
        // if it's rooted, return it if exists. otherwise return empty.
        if (isRooted(tool)) {
            const filePath = yield tryGetExecutablePath(tool, extensions);
            if (filePath) {
                return [filePath];
            }
            return [];
        }
        // if any path separators, return empty
        if (tool.includes(external_path_namespaceObject.sep)) {
            return [];
        }
        // build the list of directories
        //
        // Note, technically "where" checks the current directory on Windows. From a toolkit perspective,
        // it feels like we should not do this. Checking the current directory seems like more of a use
        // case of a shell, and the which() function exposed by the toolkit should strive for consistency
        // across platforms.
        const directories = [];
        if (process.env.PATH) {
            for (const p of process.env.PATH.split(external_path_namespaceObject.delimiter)) {
                if (p) {
                    directories.push(p);
                }
            }
        }
        // find all matches
        const matches = [];
        for (const directory of directories) {
            const filePath = yield tryGetExecutablePath(external_path_namespaceObject.join(directory, tool), extensions);
            if (filePath) {
                matches.push(filePath);
            }
        }
        return matches;
    });
}
function readCopyOptions(options) {
    const force = options.force == null ? true : options.force;
    const recursive = Boolean(options.recursive);
    const copySourceDirectory = options.copySourceDirectory == null
        ? true
        : Boolean(options.copySourceDirectory);
    return { force, recursive, copySourceDirectory };
}
function cpDirRecursive(sourceDir, destDir, currentDepth, force) {
    return io_awaiter(this, void 0, void 0, function* () {
        // Ensure there is not a run away recursive copy
        if (currentDepth >= 255)
            return;
        currentDepth++;
        yield mkdirP(destDir);
        const files = yield ioUtil.readdir(sourceDir);
        for (const fileName of files) {
            const srcFile = `${sourceDir}/${fileName}`;
            const destFile = `${destDir}/${fileName}`;
            const srcFileStat = yield ioUtil.lstat(srcFile);
            if (srcFileStat.isDirectory()) {
                // Recurse
                yield cpDirRecursive(srcFile, destFile, currentDepth, force);
            }
            else {
                yield io_copyFile(srcFile, destFile, force);
            }
        }
        // Change the mode for the newly created directory
        yield ioUtil.chmod(destDir, (yield ioUtil.stat(sourceDir)).mode);
    });
}
// Buffered file copy
function io_copyFile(srcFile, destFile, force) {
    return io_awaiter(this, void 0, void 0, function* () {
        if ((yield ioUtil.lstat(srcFile)).isSymbolicLink()) {
            // unlink/re-link it
            try {
                yield ioUtil.lstat(destFile);
                yield ioUtil.unlink(destFile);
            }
            catch (e) {
                // Try to override file permission
                if (e.code === 'EPERM') {
                    yield ioUtil.chmod(destFile, '0666');
                    yield ioUtil.unlink(destFile);
                }
                // other errors = it doesn't exist, no work to do
            }
            // Copy over symlink
            const symlinkFull = yield ioUtil.readlink(srcFile);
            yield ioUtil.symlink(symlinkFull, destFile, ioUtil.IS_WINDOWS ? 'junction' : null);
        }
        else if (!(yield ioUtil.exists(destFile)) || force) {
            yield ioUtil.copyFile(srcFile, destFile);
        }
    });
}
//# sourceMappingURL=io.js.map
;// CONCATENATED MODULE: external "timers"
const external_timers_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("timers");
;// CONCATENATED MODULE: ./node_modules/@actions/exec/lib/toolrunner.js
var toolrunner_awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};







/* eslint-disable @typescript-eslint/unbound-method */
const toolrunner_IS_WINDOWS = process.platform === 'win32';
/*
 * Class for running command line tools. Handles quoting and arg parsing in a platform agnostic way.
 */
class ToolRunner extends external_events_.EventEmitter {
    constructor(toolPath, args, options) {
        super();
        if (!toolPath) {
            throw new Error("Parameter 'toolPath' cannot be null or empty.");
        }
        this.toolPath = toolPath;
        this.args = args || [];
        this.options = options || {};
    }
    _debug(message) {
        if (this.options.listeners && this.options.listeners.debug) {
            this.options.listeners.debug(message);
        }
    }
    _getCommandString(options, noPrefix) {
        const toolPath = this._getSpawnFileName();
        const args = this._getSpawnArgs(options);
        let cmd = noPrefix ? '' : '[command]'; // omit prefix when piped to a second tool
        if (toolrunner_IS_WINDOWS) {
            // Windows + cmd file
            if (this._isCmdFile()) {
                cmd += toolPath;
                for (const a of args) {
                    cmd += ` ${a}`;
                }
            }
            // Windows + verbatim
            else if (options.windowsVerbatimArguments) {
                cmd += `"${toolPath}"`;
                for (const a of args) {
                    cmd += ` ${a}`;
                }
            }
            // Windows (regular)
            else {
                cmd += this._windowsQuoteCmdArg(toolPath);
                for (const a of args) {
                    cmd += ` ${this._windowsQuoteCmdArg(a)}`;
                }
            }
        }
        else {
            // OSX/Linux - this can likely be improved with some form of quoting.
            // creating processes on Unix is fundamentally different than Windows.
            // on Unix, execvp() takes an arg array.
            cmd += toolPath;
            for (const a of args) {
                cmd += ` ${a}`;
            }
        }
        return cmd;
    }
    _processLineBuffer(data, strBuffer, onLine) {
        try {
            let s = strBuffer + data.toString();
            let n = s.indexOf(external_os_.EOL);
            while (n > -1) {
                const line = s.substring(0, n);
                onLine(line);
                // the rest of the string ...
                s = s.substring(n + external_os_.EOL.length);
                n = s.indexOf(external_os_.EOL);
            }
            return s;
        }
        catch (err) {
            // streaming lines to console is best effort.  Don't fail a build.
            this._debug(`error processing line. Failed with error ${err}`);
            return '';
        }
    }
    _getSpawnFileName() {
        if (toolrunner_IS_WINDOWS) {
            if (this._isCmdFile()) {
                return process.env['COMSPEC'] || 'cmd.exe';
            }
        }
        return this.toolPath;
    }
    _getSpawnArgs(options) {
        if (toolrunner_IS_WINDOWS) {
            if (this._isCmdFile()) {
                let argline = `/D /S /C "${this._windowsQuoteCmdArg(this.toolPath)}`;
                for (const a of this.args) {
                    argline += ' ';
                    argline += options.windowsVerbatimArguments
                        ? a
                        : this._windowsQuoteCmdArg(a);
                }
                argline += '"';
                return [argline];
            }
        }
        return this.args;
    }
    _endsWith(str, end) {
        return str.endsWith(end);
    }
    _isCmdFile() {
        const upperToolPath = this.toolPath.toUpperCase();
        return (this._endsWith(upperToolPath, '.CMD') ||
            this._endsWith(upperToolPath, '.BAT'));
    }
    _windowsQuoteCmdArg(arg) {
        // for .exe, apply the normal quoting rules that libuv applies
        if (!this._isCmdFile()) {
            return this._uvQuoteCmdArg(arg);
        }
        // otherwise apply quoting rules specific to the cmd.exe command line parser.
        // the libuv rules are generic and are not designed specifically for cmd.exe
        // command line parser.
        //
        // for a detailed description of the cmd.exe command line parser, refer to
        // http://stackoverflow.com/questions/4094699/how-does-the-windows-command-interpreter-cmd-exe-parse-scripts/7970912#7970912
        // need quotes for empty arg
        if (!arg) {
            return '""';
        }
        // determine whether the arg needs to be quoted
        const cmdSpecialChars = [
            ' ',
            '\t',
            '&',
            '(',
            ')',
            '[',
            ']',
            '{',
            '}',
            '^',
            '=',
            ';',
            '!',
            "'",
            '+',
            ',',
            '`',
            '~',
            '|',
            '<',
            '>',
            '"'
        ];
        let needsQuotes = false;
        for (const char of arg) {
            if (cmdSpecialChars.some(x => x === char)) {
                needsQuotes = true;
                break;
            }
        }
        // short-circuit if quotes not needed
        if (!needsQuotes) {
            return arg;
        }
        // the following quoting rules are very similar to the rules that by libuv applies.
        //
        // 1) wrap the string in quotes
        //
        // 2) double-up quotes - i.e. " => ""
        //
        //    this is different from the libuv quoting rules. libuv replaces " with \", which unfortunately
        //    doesn't work well with a cmd.exe command line.
        //
        //    note, replacing " with "" also works well if the arg is passed to a downstream .NET console app.
        //    for example, the command line:
        //          foo.exe "myarg:""my val"""
        //    is parsed by a .NET console app into an arg array:
        //          [ "myarg:\"my val\"" ]
        //    which is the same end result when applying libuv quoting rules. although the actual
        //    command line from libuv quoting rules would look like:
        //          foo.exe "myarg:\"my val\""
        //
        // 3) double-up slashes that precede a quote,
        //    e.g.  hello \world    => "hello \world"
        //          hello\"world    => "hello\\""world"
        //          hello\\"world   => "hello\\\\""world"
        //          hello world\    => "hello world\\"
        //
        //    technically this is not required for a cmd.exe command line, or the batch argument parser.
        //    the reasons for including this as a .cmd quoting rule are:
        //
        //    a) this is optimized for the scenario where the argument is passed from the .cmd file to an
        //       external program. many programs (e.g. .NET console apps) rely on the slash-doubling rule.
        //
        //    b) it's what we've been doing previously (by deferring to node default behavior) and we
        //       haven't heard any complaints about that aspect.
        //
        // note, a weakness of the quoting rules chosen here, is that % is not escaped. in fact, % cannot be
        // escaped when used on the command line directly - even though within a .cmd file % can be escaped
        // by using %%.
        //
        // the saving grace is, on the command line, %var% is left as-is if var is not defined. this contrasts
        // the line parsing rules within a .cmd file, where if var is not defined it is replaced with nothing.
        //
        // one option that was explored was replacing % with ^% - i.e. %var% => ^%var^%. this hack would
        // often work, since it is unlikely that var^ would exist, and the ^ character is removed when the
        // variable is used. the problem, however, is that ^ is not removed when %* is used to pass the args
        // to an external program.
        //
        // an unexplored potential solution for the % escaping problem, is to create a wrapper .cmd file.
        // % can be escaped within a .cmd file.
        let reverse = '"';
        let quoteHit = true;
        for (let i = arg.length; i > 0; i--) {
            // walk the string in reverse
            reverse += arg[i - 1];
            if (quoteHit && arg[i - 1] === '\\') {
                reverse += '\\'; // double the slash
            }
            else if (arg[i - 1] === '"') {
                quoteHit = true;
                reverse += '"'; // double the quote
            }
            else {
                quoteHit = false;
            }
        }
        reverse += '"';
        return reverse.split('').reverse().join('');
    }
    _uvQuoteCmdArg(arg) {
        // Tool runner wraps child_process.spawn() and needs to apply the same quoting as
        // Node in certain cases where the undocumented spawn option windowsVerbatimArguments
        // is used.
        //
        // Since this function is a port of quote_cmd_arg from Node 4.x (technically, lib UV,
        // see https://github.com/nodejs/node/blob/v4.x/deps/uv/src/win/process.c for details),
        // pasting copyright notice from Node within this function:
        //
        //      Copyright Joyent, Inc. and other Node contributors. All rights reserved.
        //
        //      Permission is hereby granted, free of charge, to any person obtaining a copy
        //      of this software and associated documentation files (the "Software"), to
        //      deal in the Software without restriction, including without limitation the
        //      rights to use, copy, modify, merge, publish, distribute, sublicense, and/or
        //      sell copies of the Software, and to permit persons to whom the Software is
        //      furnished to do so, subject to the following conditions:
        //
        //      The above copyright notice and this permission notice shall be included in
        //      all copies or substantial portions of the Software.
        //
        //      THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
        //      IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
        //      FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
        //      AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
        //      LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING
        //      FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS
        //      IN THE SOFTWARE.
        if (!arg) {
            // Need double quotation for empty argument
            return '""';
        }
        if (!arg.includes(' ') && !arg.includes('\t') && !arg.includes('"')) {
            // No quotation needed
            return arg;
        }
        if (!arg.includes('"') && !arg.includes('\\')) {
            // No embedded double quotes or backslashes, so I can just wrap
            // quote marks around the whole thing.
            return `"${arg}"`;
        }
        // Expected input/output:
        //   input : hello"world
        //   output: "hello\"world"
        //   input : hello""world
        //   output: "hello\"\"world"
        //   input : hello\world
        //   output: hello\world
        //   input : hello\\world
        //   output: hello\\world
        //   input : hello\"world
        //   output: "hello\\\"world"
        //   input : hello\\"world
        //   output: "hello\\\\\"world"
        //   input : hello world\
        //   output: "hello world\\" - note the comment in libuv actually reads "hello world\"
        //                             but it appears the comment is wrong, it should be "hello world\\"
        let reverse = '"';
        let quoteHit = true;
        for (let i = arg.length; i > 0; i--) {
            // walk the string in reverse
            reverse += arg[i - 1];
            if (quoteHit && arg[i - 1] === '\\') {
                reverse += '\\';
            }
            else if (arg[i - 1] === '"') {
                quoteHit = true;
                reverse += '\\';
            }
            else {
                quoteHit = false;
            }
        }
        reverse += '"';
        return reverse.split('').reverse().join('');
    }
    _cloneExecOptions(options) {
        options = options || {};
        const result = {
            cwd: options.cwd || process.cwd(),
            env: options.env || process.env,
            silent: options.silent || false,
            windowsVerbatimArguments: options.windowsVerbatimArguments || false,
            failOnStdErr: options.failOnStdErr || false,
            ignoreReturnCode: options.ignoreReturnCode || false,
            delay: options.delay || 10000
        };
        result.outStream = options.outStream || process.stdout;
        result.errStream = options.errStream || process.stderr;
        return result;
    }
    _getSpawnOptions(options, toolPath) {
        options = options || {};
        const result = {};
        result.cwd = options.cwd;
        result.env = options.env;
        result['windowsVerbatimArguments'] =
            options.windowsVerbatimArguments || this._isCmdFile();
        if (options.windowsVerbatimArguments) {
            result.argv0 = `"${toolPath}"`;
        }
        return result;
    }
    /**
     * Exec a tool.
     * Output will be streamed to the live console.
     * Returns promise with return code
     *
     * @param     tool     path to tool to exec
     * @param     options  optional exec options.  See ExecOptions
     * @returns   number
     */
    exec() {
        return toolrunner_awaiter(this, void 0, void 0, function* () {
            // root the tool path if it is unrooted and contains relative pathing
            if (!isRooted(this.toolPath) &&
                (this.toolPath.includes('/') ||
                    (toolrunner_IS_WINDOWS && this.toolPath.includes('\\')))) {
                // prefer options.cwd if it is specified, however options.cwd may also need to be rooted
                this.toolPath = external_path_namespaceObject.resolve(process.cwd(), this.options.cwd || process.cwd(), this.toolPath);
            }
            // if the tool is only a file name, then resolve it from the PATH
            // otherwise verify it exists (add extension on Windows if necessary)
            this.toolPath = yield which(this.toolPath, true);
            return new Promise((resolve, reject) => toolrunner_awaiter(this, void 0, void 0, function* () {
                this._debug(`exec tool: ${this.toolPath}`);
                this._debug('arguments:');
                for (const arg of this.args) {
                    this._debug(`   ${arg}`);
                }
                const optionsNonNull = this._cloneExecOptions(this.options);
                if (!optionsNonNull.silent && optionsNonNull.outStream) {
                    optionsNonNull.outStream.write(this._getCommandString(optionsNonNull) + external_os_.EOL);
                }
                const state = new ExecState(optionsNonNull, this.toolPath);
                state.on('debug', (message) => {
                    this._debug(message);
                });
                if (this.options.cwd && !(yield exists(this.options.cwd))) {
                    return reject(new Error(`The cwd: ${this.options.cwd} does not exist!`));
                }
                const fileName = this._getSpawnFileName();
                const cp = external_child_process_namespaceObject.spawn(fileName, this._getSpawnArgs(optionsNonNull), this._getSpawnOptions(this.options, fileName));
                let stdbuffer = '';
                if (cp.stdout) {
                    cp.stdout.on('data', (data) => {
                        if (this.options.listeners && this.options.listeners.stdout) {
                            this.options.listeners.stdout(data);
                        }
                        if (!optionsNonNull.silent && optionsNonNull.outStream) {
                            optionsNonNull.outStream.write(data);
                        }
                        stdbuffer = this._processLineBuffer(data, stdbuffer, (line) => {
                            if (this.options.listeners && this.options.listeners.stdline) {
                                this.options.listeners.stdline(line);
                            }
                        });
                    });
                }
                let errbuffer = '';
                if (cp.stderr) {
                    cp.stderr.on('data', (data) => {
                        state.processStderr = true;
                        if (this.options.listeners && this.options.listeners.stderr) {
                            this.options.listeners.stderr(data);
                        }
                        if (!optionsNonNull.silent &&
                            optionsNonNull.errStream &&
                            optionsNonNull.outStream) {
                            const s = optionsNonNull.failOnStdErr
                                ? optionsNonNull.errStream
                                : optionsNonNull.outStream;
                            s.write(data);
                        }
                        errbuffer = this._processLineBuffer(data, errbuffer, (line) => {
                            if (this.options.listeners && this.options.listeners.errline) {
                                this.options.listeners.errline(line);
                            }
                        });
                    });
                }
                cp.on('error', (err) => {
                    state.processError = err.message;
                    state.processExited = true;
                    state.processClosed = true;
                    state.CheckComplete();
                });
                cp.on('exit', (code) => {
                    state.processExitCode = code;
                    state.processExited = true;
                    this._debug(`Exit code ${code} received from tool '${this.toolPath}'`);
                    state.CheckComplete();
                });
                cp.on('close', (code) => {
                    state.processExitCode = code;
                    state.processExited = true;
                    state.processClosed = true;
                    this._debug(`STDIO streams have closed for tool '${this.toolPath}'`);
                    state.CheckComplete();
                });
                state.on('done', (error, exitCode) => {
                    if (stdbuffer.length > 0) {
                        this.emit('stdline', stdbuffer);
                    }
                    if (errbuffer.length > 0) {
                        this.emit('errline', errbuffer);
                    }
                    cp.removeAllListeners();
                    if (error) {
                        reject(error);
                    }
                    else {
                        resolve(exitCode);
                    }
                });
                if (this.options.input) {
                    if (!cp.stdin) {
                        throw new Error('child process missing stdin');
                    }
                    cp.stdin.end(this.options.input);
                }
            }));
        });
    }
}
/**
 * Convert an arg string to an array of args. Handles escaping
 *
 * @param    argString   string of arguments
 * @returns  string[]    array of arguments
 */
function argStringToArray(argString) {
    const args = [];
    let inQuotes = false;
    let escaped = false;
    let arg = '';
    function append(c) {
        // we only escape double quotes.
        if (escaped && c !== '"') {
            arg += '\\';
        }
        arg += c;
        escaped = false;
    }
    for (let i = 0; i < argString.length; i++) {
        const c = argString.charAt(i);
        if (c === '"') {
            if (!escaped) {
                inQuotes = !inQuotes;
            }
            else {
                append(c);
            }
            continue;
        }
        if (c === '\\' && escaped) {
            append(c);
            continue;
        }
        if (c === '\\' && inQuotes) {
            escaped = true;
            continue;
        }
        if (c === ' ' && !inQuotes) {
            if (arg.length > 0) {
                args.push(arg);
                arg = '';
            }
            continue;
        }
        append(c);
    }
    if (arg.length > 0) {
        args.push(arg.trim());
    }
    return args;
}
class ExecState extends external_events_.EventEmitter {
    constructor(options, toolPath) {
        super();
        this.processClosed = false; // tracks whether the process has exited and stdio is closed
        this.processError = '';
        this.processExitCode = 0;
        this.processExited = false; // tracks whether the process has exited
        this.processStderr = false; // tracks whether stderr was written to
        this.delay = 10000; // 10 seconds
        this.done = false;
        this.timeout = null;
        if (!toolPath) {
            throw new Error('toolPath must not be empty');
        }
        this.options = options;
        this.toolPath = toolPath;
        if (options.delay) {
            this.delay = options.delay;
        }
    }
    CheckComplete() {
        if (this.done) {
            return;
        }
        if (this.processClosed) {
            this._setResult();
        }
        else if (this.processExited) {
            this.timeout = (0,external_timers_namespaceObject.setTimeout)(ExecState.HandleTimeout, this.delay, this);
        }
    }
    _debug(message) {
        this.emit('debug', message);
    }
    _setResult() {
        // determine whether there is an error
        let error;
        if (this.processExited) {
            if (this.processError) {
                error = new Error(`There was an error when attempting to execute the process '${this.toolPath}'. This may indicate the process failed to start. Error: ${this.processError}`);
            }
            else if (this.processExitCode !== 0 && !this.options.ignoreReturnCode) {
                error = new Error(`The process '${this.toolPath}' failed with exit code ${this.processExitCode}`);
            }
            else if (this.processStderr && this.options.failOnStdErr) {
                error = new Error(`The process '${this.toolPath}' failed because one or more lines were written to the STDERR stream`);
            }
        }
        // clear the timeout
        if (this.timeout) {
            clearTimeout(this.timeout);
            this.timeout = null;
        }
        this.done = true;
        this.emit('done', error, this.processExitCode);
    }
    static HandleTimeout(state) {
        if (state.done) {
            return;
        }
        if (!state.processClosed && state.processExited) {
            const message = `The STDIO streams did not close within ${state.delay / 1000} seconds of the exit event from process '${state.toolPath}'. This may indicate a child process inherited the STDIO streams and has not yet exited.`;
            state._debug(message);
        }
        state._setResult();
    }
}
//# sourceMappingURL=toolrunner.js.map
;// CONCATENATED MODULE: ./node_modules/@actions/exec/lib/exec.js
var exec_awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};


/**
 * Exec a command.
 * Output will be streamed to the live console.
 * Returns promise with return code
 *
 * @param     commandLine        command to execute (can include additional args). Must be correctly escaped.
 * @param     args               optional arguments for tool. Escaping is handled by the lib.
 * @param     options            optional exec options.  See ExecOptions
 * @returns   Promise<number>    exit code
 */
function exec_exec(commandLine, args, options) {
    return exec_awaiter(this, void 0, void 0, function* () {
        const commandArgs = tr.argStringToArray(commandLine);
        if (commandArgs.length === 0) {
            throw new Error(`Parameter 'commandLine' cannot be null or empty.`);
        }
        // Path to tool to execute should be first arg
        const toolPath = commandArgs[0];
        args = commandArgs.slice(1).concat(args || []);
        const runner = new tr.ToolRunner(toolPath, args, options);
        return runner.exec();
    });
}
/**
 * Exec a command and get the output.
 * Output will be streamed to the live console.
 * Returns promise with the exit code and collected stdout and stderr
 *
 * @param     commandLine           command to execute (can include additional args). Must be correctly escaped.
 * @param     args                  optional arguments for tool. Escaping is handled by the lib.
 * @param     options               optional exec options.  See ExecOptions
 * @returns   Promise<ExecOutput>   exit code, stdout, and stderr
 */
function getExecOutput(commandLine, args, options) {
    return exec_awaiter(this, void 0, void 0, function* () {
        var _a, _b;
        let stdout = '';
        let stderr = '';
        //Using string decoder covers the case where a mult-byte character is split
        const stdoutDecoder = new StringDecoder('utf8');
        const stderrDecoder = new StringDecoder('utf8');
        const originalStdoutListener = (_a = options === null || options === void 0 ? void 0 : options.listeners) === null || _a === void 0 ? void 0 : _a.stdout;
        const originalStdErrListener = (_b = options === null || options === void 0 ? void 0 : options.listeners) === null || _b === void 0 ? void 0 : _b.stderr;
        const stdErrListener = (data) => {
            stderr += stderrDecoder.write(data);
            if (originalStdErrListener) {
                originalStdErrListener(data);
            }
        };
        const stdOutListener = (data) => {
            stdout += stdoutDecoder.write(data);
            if (originalStdoutListener) {
                originalStdoutListener(data);
            }
        };
        const listeners = Object.assign(Object.assign({}, options === null || options === void 0 ? void 0 : options.listeners), { stdout: stdOutListener, stderr: stdErrListener });
        const exitCode = yield exec_exec(commandLine, args, Object.assign(Object.assign({}, options), { listeners }));
        //flush any remaining characters
        stdout += stdoutDecoder.end();
        stderr += stderrDecoder.end();
        return {
            exitCode,
            stdout,
            stderr
        };
    });
}
//# sourceMappingURL=exec.js.map
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/platform.js
var platform_awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};


const getWindowsInfo = () => platform_awaiter(void 0, void 0, void 0, function* () {
    const { stdout: version } = yield exec.getExecOutput('powershell -command "(Get-CimInstance -ClassName Win32_OperatingSystem).Version"', undefined, {
        silent: true
    });
    const { stdout: name } = yield exec.getExecOutput('powershell -command "(Get-CimInstance -ClassName Win32_OperatingSystem).Caption"', undefined, {
        silent: true
    });
    return {
        name: name.trim(),
        version: version.trim()
    };
});
const getMacOsInfo = () => platform_awaiter(void 0, void 0, void 0, function* () {
    var _a, _b, _c, _d;
    const { stdout } = yield exec.getExecOutput('sw_vers', undefined, {
        silent: true
    });
    const version = (_b = (_a = stdout.match(/ProductVersion:\s*(.+)/)) === null || _a === void 0 ? void 0 : _a[1]) !== null && _b !== void 0 ? _b : '';
    const name = (_d = (_c = stdout.match(/ProductName:\s*(.+)/)) === null || _c === void 0 ? void 0 : _c[1]) !== null && _d !== void 0 ? _d : '';
    return {
        name,
        version
    };
});
const getLinuxInfo = () => platform_awaiter(void 0, void 0, void 0, function* () {
    const { stdout } = yield exec.getExecOutput('lsb_release', ['-i', '-r', '-s'], {
        silent: true
    });
    const [name, version] = stdout.trim().split('\n');
    return {
        name,
        version
    };
});
const platform = external_os_.platform();
const arch = external_os_.arch();
const isWindows = platform === 'win32';
const isMacOS = platform === 'darwin';
const isLinux = platform === 'linux';
function getDetails() {
    return platform_awaiter(this, void 0, void 0, function* () {
        return Object.assign(Object.assign({}, (yield (isWindows
            ? getWindowsInfo()
            : isMacOS
                ? getMacOsInfo()
                : getLinuxInfo()))), { platform,
            arch,
            isWindows,
            isMacOS,
            isLinux });
    });
}
//# sourceMappingURL=platform.js.map
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/core.js
var core_awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};






/**
 * The code to exit an action
 */
var ExitCode;
(function (ExitCode) {
    /**
     * A code indicating that the action was successful
     */
    ExitCode[ExitCode["Success"] = 0] = "Success";
    /**
     * A code indicating that the action was a failure
     */
    ExitCode[ExitCode["Failure"] = 1] = "Failure";
})(ExitCode || (ExitCode = {}));
//-----------------------------------------------------------------------
// Variables
//-----------------------------------------------------------------------
/**
 * Sets env variable for this action and future actions in the job
 * @param name the name of the variable to set
 * @param val the value of the variable. Non-string values will be converted to a string via JSON.stringify
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function exportVariable(name, val) {
    const convertedVal = toCommandValue(val);
    process.env[name] = convertedVal;
    const filePath = process.env['GITHUB_ENV'] || '';
    if (filePath) {
        return issueFileCommand('ENV', prepareKeyValueMessage(name, val));
    }
    issueCommand('set-env', { name }, convertedVal);
}
/**
 * Registers a secret which will get masked from logs
 *
 * @param secret - Value of the secret to be masked
 * @remarks
 * This function instructs the Actions runner to mask the specified value in any
 * logs produced during the workflow run. Once registered, the secret value will
 * be replaced with asterisks (***) whenever it appears in console output, logs,
 * or error messages.
 *
 * This is useful for protecting sensitive information such as:
 * - API keys
 * - Access tokens
 * - Authentication credentials
 * - URL parameters containing signatures (SAS tokens)
 *
 * Note that masking only affects future logs; any previous appearances of the
 * secret in logs before calling this function will remain unmasked.
 *
 * @example
 * ```typescript
 * // Register an API token as a secret
 * const apiToken = "abc123xyz456";
 * setSecret(apiToken);
 *
 * // Now any logs containing this value will show *** instead
 * console.log(`Using token: ${apiToken}`); // Outputs: "Using token: ***"
 * ```
 */
function core_setSecret(secret) {
    command_issueCommand('add-mask', {}, secret);
}
/**
 * Prepends inputPath to the PATH (for this action and future actions)
 * @param inputPath
 */
function addPath(inputPath) {
    const filePath = process.env['GITHUB_PATH'] || '';
    if (filePath) {
        issueFileCommand('PATH', inputPath);
    }
    else {
        issueCommand('add-path', {}, inputPath);
    }
    process.env['PATH'] = `${inputPath}${path.delimiter}${process.env['PATH']}`;
}
/**
 * Gets the value of an input.
 * Unless trimWhitespace is set to false in InputOptions, the value is also trimmed.
 * Returns an empty string if the value is not defined.
 *
 * @param     name     name of the input to get
 * @param     options  optional. See InputOptions.
 * @returns   string
 */
function getInput(name, options) {
    const val = process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] || '';
    if (options && options.required && !val) {
        throw new Error(`Input required and not supplied: ${name}`);
    }
    if (options && options.trimWhitespace === false) {
        return val;
    }
    return val.trim();
}
/**
 * Gets the values of an multiline input.  Each value is also trimmed.
 *
 * @param     name     name of the input to get
 * @param     options  optional. See InputOptions.
 * @returns   string[]
 *
 */
function getMultilineInput(name, options) {
    const inputs = getInput(name, options)
        .split('\n')
        .filter(x => x !== '');
    if (options && options.trimWhitespace === false) {
        return inputs;
    }
    return inputs.map(input => input.trim());
}
/**
 * Gets the input value of the boolean type in the YAML 1.2 "core schema" specification.
 * Support boolean input list: `true | True | TRUE | false | False | FALSE` .
 * The return value is also in boolean type.
 * ref: https://yaml.org/spec/1.2/spec.html#id2804923
 *
 * @param     name     name of the input to get
 * @param     options  optional. See InputOptions.
 * @returns   boolean
 */
function getBooleanInput(name, options) {
    const trueValue = ['true', 'True', 'TRUE'];
    const falseValue = ['false', 'False', 'FALSE'];
    const val = getInput(name, options);
    if (trueValue.includes(val))
        return true;
    if (falseValue.includes(val))
        return false;
    throw new TypeError(`Input does not meet YAML 1.2 "Core Schema" specification: ${name}\n` +
        `Support boolean input list: \`true | True | TRUE | false | False | FALSE\``);
}
/**
 * Sets the value of an output.
 *
 * @param     name     name of the output to set
 * @param     value    value to store. Non-string values will be converted to a string via JSON.stringify
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function setOutput(name, value) {
    const filePath = process.env['GITHUB_OUTPUT'] || '';
    if (filePath) {
        return file_command_issueFileCommand('OUTPUT', file_command_prepareKeyValueMessage(name, value));
    }
    process.stdout.write(external_os_.EOL);
    command_issueCommand('set-output', { name }, utils_toCommandValue(value));
}
/**
 * Enables or disables the echoing of commands into stdout for the rest of the step.
 * Echoing is disabled by default if ACTIONS_STEP_DEBUG is not set.
 *
 */
function setCommandEcho(enabled) {
    issue('echo', enabled ? 'on' : 'off');
}
//-----------------------------------------------------------------------
// Results
//-----------------------------------------------------------------------
/**
 * Sets the action status to failed.
 * When the action exits it will be with an exit code of 1
 * @param message add error issue message
 */
function setFailed(message) {
    process.exitCode = ExitCode.Failure;
    error(message);
}
//-----------------------------------------------------------------------
// Logging Commands
//-----------------------------------------------------------------------
/**
 * Gets whether Actions Step Debug is on or not
 */
function isDebug() {
    return process.env['RUNNER_DEBUG'] === '1';
}
/**
 * Writes debug message to user log
 * @param message debug message
 */
function core_debug(message) {
    command_issueCommand('debug', {}, message);
}
/**
 * Adds an error issue
 * @param message error issue message. Errors will be converted to string via toString()
 * @param properties optional properties to add to the annotation.
 */
function error(message, properties = {}) {
    command_issueCommand('error', toCommandProperties(properties), message instanceof Error ? message.toString() : message);
}
/**
 * Adds a warning issue
 * @param message warning issue message. Errors will be converted to string via toString()
 * @param properties optional properties to add to the annotation.
 */
function warning(message, properties = {}) {
    command_issueCommand('warning', toCommandProperties(properties), message instanceof Error ? message.toString() : message);
}
/**
 * Adds a notice issue
 * @param message notice issue message. Errors will be converted to string via toString()
 * @param properties optional properties to add to the annotation.
 */
function notice(message, properties = {}) {
    command_issueCommand('notice', toCommandProperties(properties), message instanceof Error ? message.toString() : message);
}
/**
 * Writes info to log with console.log.
 * @param message info message
 */
function info(message) {
    process.stdout.write(message + external_os_.EOL);
}
/**
 * Begin an output group.
 *
 * Output until the next `groupEnd` will be foldable in this group
 *
 * @param name The name of the output group
 */
function startGroup(name) {
    command_issue('group', name);
}
/**
 * End an output group.
 */
function endGroup() {
    command_issue('endgroup');
}
/**
 * Wrap an asynchronous function call in a group.
 *
 * Returns the same type as the function itself.
 *
 * @param name The name of the group
 * @param fn The function to wrap in the group
 */
function group(name, fn) {
    return core_awaiter(this, void 0, void 0, function* () {
        startGroup(name);
        let result;
        try {
            result = yield fn();
        }
        finally {
            endGroup();
        }
        return result;
    });
}
//-----------------------------------------------------------------------
// Wrapper action state
//-----------------------------------------------------------------------
/**
 * Saves state for current action, the state can only be retrieved by this action's post job execution.
 *
 * @param     name     name of the state to store
 * @param     value    value to store. Non-string values will be converted to a string via JSON.stringify
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function saveState(name, value) {
    const filePath = process.env['GITHUB_STATE'] || '';
    if (filePath) {
        return file_command_issueFileCommand('STATE', file_command_prepareKeyValueMessage(name, value));
    }
    command_issueCommand('save-state', { name }, utils_toCommandValue(value));
}
/**
 * Gets the value of an state set by this action's main execution.
 *
 * @param     name     name of the state to get
 * @returns   string
 */
function getState(name) {
    return process.env[`STATE_${name}`] || '';
}
function getIDToken(aud) {
    return core_awaiter(this, void 0, void 0, function* () {
        return yield OidcClient.getIDToken(aud);
    });
}
/**
 * Summary exports
 */

/**
 * @deprecated use core.summary
 */

/**
 * Path exports
 */

/**
 * Platform utilities exports
 */

//# sourceMappingURL=core.js.map
;// CONCATENATED MODULE: ./src/credentials/provider.ts
/**
 * What the signing code asks for: keys, from the one source this run's
 * settings chose (./sources.ts). Nothing here falls back to the SDK's default
 * chain, which may probe instance metadata for seconds on a runner that is not
 * an ECS instance.
 */

/** Codes by which the service refuses the keys themselves. */
const REFUSALS = new Set([
    'InvalidSecurityToken.Expired',
    'SecurityTokenExpired',
    'InvalidSecurityToken.Malformed',
    'InvalidSecurityToken.MismatchWithAccessKey',
    'InvalidAccessKeyId.NotFound',
    'InvalidAccessKeyId.Inactive',
    'InvalidAccessKeyId',
    'SignatureDoesNotMatch'
]);
/** Refusals that a renewed session can cure. */
const EXPIRED = new Set(['InvalidSecurityToken.Expired', 'SecurityTokenExpired']);
function refusesKeys(error) {
    return REFUSALS.has(error.code);
}
/** Keys given as inputs or in the environment: they cannot be renewed. */
class StaticCredentials {
    credentials;
    dead;
    constructor(accessKeyId, accessKeySecret, securityToken) {
        this.credentials = { accessKeyId, accessKeySecret, securityToken, providerName: 'static' };
    }
    async getCredential() {
        if (this.dead)
            throw deadKeys(this.dead);
        return this.credentials;
    }
    refused(error) {
        if (refusesKeys(error))
            this.dead ??= error;
        return false;
    }
}
/** The error every later call gets once the keys are dead: no request is sent with them. */
function deadKeys(refusal) {
    return new ApiError({
        operation: refusal.operation,
        code: refusal.code,
        message: `the service refused these credentials earlier in this step (${refusal.apiMessage}), so they are not used again`,
        requestId: refusal.requestId,
        transient: false,
        throttled: false,
        reached: false
    });
}

;// CONCATENATED MODULE: ./src/credentials/access-keys.ts
/** Credential source: an AccessKey pair (and an STS token) given as inputs. */



const accessKeys = {
    name: 'access keys',
    chosenBy: [Inputs.AccessKeyId, Inputs.AccessKeySecret, Inputs.SecurityToken],
    choose(inputs) {
        const accessKeyId = inputs[Inputs.AccessKeyId];
        const accessKeySecret = inputs[Inputs.AccessKeySecret];
        const securityToken = inputs[Inputs.SecurityToken];
        if (!accessKeyId)
            throw new InputError(Inputs.AccessKeyId, `is required with ${accessKeySecret ? Inputs.AccessKeySecret : Inputs.SecurityToken}`);
        if (!accessKeySecret)
            throw new InputError(Inputs.AccessKeySecret, `is required with ${Inputs.AccessKeyId}`);
        return { accessKeyId, accessKeySecret, securityToken };
    },
    secrets: (settings) => [settings.accessKeySecret, settings.securityToken],
    describe: (settings) => `${settings.securityToken ? 'STS token' : 'AccessKey'} from the ${Inputs.AccessKeyId} input`,
    renewable: false,
    create: (settings) => new StaticCredentials(settings.accessKeyId, settings.accessKeySecret, settings.securityToken)
};

;// CONCATENATED MODULE: ./src/inputs/duration.ts
/**
 * Strict duration parsing: `90s`, `45m`, `1h30m`, `1h 30m 15s`, `250ms`, or a bare
 * number of seconds. Anything else throws, so a typo never becomes a silent default.
 */
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const PART = /(\d+(?:\.\d+)?)\s*(ms|h|m|s)/gy;
function parseDuration(text) {
    const input = text.trim().toLowerCase();
    if (input === '')
        throw new Error('is empty');
    if (/^\d+(\.\d+)?$/.test(input))
        return finite(text, Math.round(Number(input) * 1000));
    let total = 0;
    let seen = 0;
    PART.lastIndex = 0;
    let position = 0;
    while (position < input.length) {
        PART.lastIndex = position;
        const match = PART.exec(input);
        if (!match) {
            throw new Error(`"${text}" is not a duration (use e.g. 90s, 45m, 1h30m, or a number of seconds)`);
        }
        total += Number(match[1]) * UNIT_MS[match[2]];
        seen++;
        position = PART.lastIndex;
        while (input[position] === ' ')
            position++;
    }
    if (seen === 0)
        throw new Error(`"${text}" is not a duration`);
    return finite(text, Math.round(total));
}
/** A 400-digit number parses as Infinity: too long, not a silent forever. */
function finite(text, ms) {
    if (!Number.isSafeInteger(ms))
        throw new Error(`"${text}" is too long a duration`);
    return ms;
}
/** `3723000` → `1h 2m 3s`; used in logs, errors and the summary. */
function formatDuration(ms) {
    const seconds = Math.max(0, Math.round(ms / 1000));
    const h = Math.floor(seconds / 3600);
    const m = Math.floor((seconds % 3600) / 60);
    const s = seconds % 60;
    const parts = [];
    if (h)
        parts.push(`${h}h`);
    if (m)
        parts.push(`${m}m`);
    if (s || parts.length === 0)
        parts.push(`${s}s`);
    return parts.join(' ');
}

;// CONCATENATED MODULE: ./src/credentials/session.ts


/** Keys that look expired on arrival are used anyway, and asked for again after this long, not on every request. */
const EXPIRED_ON_ARRIVAL_RETRY_MS = 60_000;
/** When to renew: a quarter of the session left, at most 5 minutes early. */
function renewAt(obtainedAt, lifetimeMs) {
    if (lifetimeMs <= 0)
        return obtainedAt + EXPIRED_ON_ARRIVAL_RETRY_MS;
    return obtainedAt + lifetimeMs - Math.min(5 * 60_000, lifetimeMs / 4);
}
/**
 * How long keys live, from the service's times: `Expiration` against its own
 * clock (its Date header has whole seconds, so a second less), else ours.
 */
function lifetime(expiration, serviceNow, fallbackMs) {
    const end = Date.parse(expiration ?? '');
    if (!Number.isFinite(end))
        return fallbackMs;
    return serviceNow === undefined ? end - Date.now() : end - serviceNow - 1000;
}
class SessionCredentials {
    clock;
    log;
    providerName;
    session;
    renewing;
    dead;
    renewals = 0;
    constructor(clock, log, 
    /** The provider's name, as the vendor's SDK reports it. */
    providerName) {
        this.clock = clock;
        this.log = log;
        this.providerName = providerName;
    }
    async getCredential() {
        if (this.dead)
            throw deadKeys(this.dead);
        const current = this.session;
        if (!current || this.clock.now() >= renewAt(current.obtainedAt, current.lifetimeMs))
            await this.renewFrom(current);
        const session = this.session;
        return {
            accessKeyId: session.accessKeyId,
            accessKeySecret: session.accessKeySecret,
            securityToken: session.securityToken,
            providerName: this.providerName
        };
    }
    /** An expired session is renewed (true); any other refusal of the keys makes them dead. */
    refused(error) {
        if (EXPIRED.has(error.code) && this.session) {
            this.session = undefined;
            return true;
        }
        if (refusesKeys(error))
            this.dead ??= error;
        return false;
    }
    async renewFrom(current) {
        this.renewing ??= this.renew().finally(() => (this.renewing = undefined));
        try {
            this.session = await this.renewing;
        }
        catch (error) {
            // Keep using a session that is still valid; fail only once it is not.
            const left = current ? current.obtainedAt + current.lifetimeMs - this.clock.now() : 0;
            if (left < 10_000)
                throw error;
            this.log.warning(`Could not renew the credentials yet (${describeError(error)}); the current ones are valid for ${Math.round(left / 1000)}s more.`);
        }
    }
    async renew() {
        const obtainedAt = this.clock.now();
        const keys = await this.obtain();
        this.renewals++;
        return { ...keys, obtainedAt };
    }
}

;// CONCATENATED MODULE: ./src/credentials/metadata.ts
/**
 * The instance metadata service's RAM role credentials, asked for as the
 * vendor's credentials library asks (@alicloud/credentials `ecs_ram_role`):
 * hardened mode first (`PUT /latest/api/token` for a session token, sent back
 * in `X-aliyun-ecs-metadata-token`), and a plain GET when the token request
 * fails, or when a GET with a token fails, unless ALIBABA_CLOUD_IMDSV1_DISABLED
 * is `true`; with the library's time limits (a second for the token). Through
 * the one bounded exchange, never through a proxy (net/proxy.ts).
 */






/** The metadata token's lifetime, as the vendor's library asks for it. */
const METADATA_TOKEN_TTL_SECONDS = 21_600;
/** The library's limits: a second to connect and a second to read; no answer to the token in a second means plain mode. */
const TOKEN_LIMIT_MS = 1_000;
const CREDENTIALS_LIMIT_MS = 2_000;
/** Keys whose lifetime cannot be read are renewed after this long. */
const UNKNOWN_LIFETIME_MS = 15 * 60_000;
const OPERATION = 'InstanceMetadata';
/** The role's keys, hardened mode first. */
async function roleKeys(options, roleName) {
    const token = await metadataToken(options);
    if (token.refused)
        return plainMode(options, roleName, token.refused);
    try {
        return { ...(await credentialsOf(options, roleName, token.value)), mode: 'hardened mode' };
    }
    catch (error) {
        if (options.plainDisabled)
            throw error;
        return plainMode(options, roleName, toApiError(OPERATION, error));
    }
}
/** A plain GET, after hardened mode failed; when it fails too, the error says both. */
async function plainMode(options, roleName, hardened) {
    const why = `hardened mode failed: ${hardened.apiMessage}`;
    try {
        return { ...(await credentialsOf(options, roleName)), mode: `plain mode (${why})` };
    }
    catch (error) {
        const plain = toApiError(OPERATION, error);
        throw hardened.with({
            message: `${hardened.apiMessage}; the plain request that followed failed too (${plain.code})`,
            transient: hardened.transient || plain.transient
        });
    }
}
/** The session token, or why there is none (when plain mode may follow). */
async function metadataToken(options) {
    try {
        const response = await ask(options, 'PUT', '/latest/api/token', TOKEN_LIMIT_MS, {
            'x-aliyun-ecs-metadata-token-ttl-seconds': `${METADATA_TOKEN_TTL_SECONDS}`
        });
        const value = whole(response.body.toString('utf8'));
        if (response.status !== 200 || !value)
            throw refusal(`the metadata service refused a session token (HTTP ${response.status}); check ${Inputs.MetadataEndpoint} and that the runner may reach the instance metadata service`, response.status);
        options.mask(value);
        return { value };
    }
    catch (error) {
        const refused = toApiError(OPERATION, error, undefined, where(options));
        if (options.plainDisabled)
            throw refused;
        return { refused };
    }
}
async function credentialsOf(options, roleName, token) {
    const response = await ask(options, 'GET', `/latest/meta-data/ram/security-credentials/${roleName}`, CREDENTIALS_LIMIT_MS, token === undefined ? {} : { 'x-aliyun-ecs-metadata-token': token });
    if (response.status !== 200)
        throw statusRefusal(response.status, roleName);
    return keysOf(response, roleName);
}
async function ask(options, method, path, limitMs, headers) {
    const url = new URL(`${options.endpoint.protocol}://${options.endpoint.host}${path}`);
    try {
        return await exchange({ method, url, headers, limitMs }, options.route);
    }
    catch (error) {
        const failure = toApiError(OPERATION, error, undefined, where(options));
        throw failure.with({
            message: `${failure.apiMessage}: is this runner an ECS instance? (check ${Inputs.MetadataEndpoint})`
        });
    }
}
function where(options) {
    return `the instance metadata service at ${options.endpoint.host}`;
}
function statusRefusal(status, roleName) {
    if (status === 404)
        return refusal(`the instance has no RAM role named "${roleName}"; check ${Inputs.EcsRamRole} and the role attached to the instance`, 404);
    if (status === 401 || status === 403)
        return refusal(`the metadata service refused the request (HTTP ${status}) for ${Inputs.EcsRamRole} "${roleName}"; check ${Inputs.MetadataEndpoint}`, status);
    return refusal(`the metadata service answered HTTP ${status} for ${Inputs.EcsRamRole} "${roleName}"`, status);
}
function refusal(message, status) {
    return new ApiError({
        operation: OPERATION,
        code: `MetadataService.HTTP${status}`,
        message,
        statusCode: status,
        transient: status >= 500 || status === 429,
        throttled: status === 429
    });
}
/** The keys, and how long they live by the service's clock (its Date header, else ours). */
function keysOf(response, roleName) {
    let data;
    try {
        data = record(JSON.parse(response.body.toString('utf8')));
    }
    catch {
        throw refusal(`the metadata service's answer for RAM role "${roleName}" is not JSON`, 502);
    }
    const accessKeyId = whole(data.AccessKeyId);
    const accessKeySecret = whole(data.AccessKeySecret);
    const securityToken = whole(data.SecurityToken);
    if (parse_text(data.Code) !== 'Success' || !accessKeyId || !accessKeySecret || !securityToken)
        throw new ApiError({
            operation: OPERATION,
            code: 'MetadataService.NoCredentials',
            message: `the metadata service gave no credentials for RAM role "${roleName}" (Code ${parse_text(data.Code) ?? 'missing'})`,
            transient: false,
            throttled: false
        });
    return {
        accessKeyId,
        accessKeySecret,
        securityToken,
        lifetimeMs: lifetime(parse_text(data.Expiration), serverTime(response), UNKNOWN_LIFETIME_MS)
    };
}

;// CONCATENATED MODULE: ./src/credentials/ecs-ram-role.ts
/**
 * Credential source: the RAM role attached to the ECS instance a self-hosted
 * runner is on, from the instance metadata service (./metadata.ts), renewed
 * before it expires. Contacted only when `ecs-ram-role` is given; as an
 * explicit input it is not affected by ALIBABA_CLOUD_ECS_METADATA_DISABLED.
 */






const RETRY_BUDGET_MS = 30_000;
const ecsRamRole = {
    name: Inputs.EcsRamRole,
    chosenBy: [Inputs.EcsRamRole],
    choose(inputs, env) {
        const roleName = inputs[Inputs.EcsRamRole];
        if (!/^[A-Za-z0-9._-]{1,64}$/.test(roleName))
            throw new InputError(Inputs.EcsRamRole, `${JSON.stringify(roleName)} is not a RAM role name (1 to 64 of A-Z a-z 0-9 . _ -)`);
        return {
            roleName,
            plainDisabled: env.ALIBABA_CLOUD_IMDSV1_DISABLED?.toLowerCase() === 'true'
        };
    },
    secrets: () => [],
    describe: (settings) => `the instance's RAM role ${settings.roleName} (instance metadata)`,
    obtainTitle: "Getting the instance's RAM role credentials",
    renewable: true,
    create: (settings, context) => new EcsRamRoleCredentials(settings, context)
};
class EcsRamRoleCredentials extends SessionCredentials {
    settings;
    context;
    constructor(settings, context) {
        super(context.clock, context.log, 'ecs_ram_role');
        this.settings = settings;
        this.context = context;
    }
    async obtain() {
        const { clock, log, mask, route } = this.context;
        const { roleName, plainDisabled } = this.settings;
        const keys = await withRetry(OPERATION, () => roleKeys({ endpoint: this.context.metadataEndpoint, route, plainDisabled, mask }, roleName), { clock, log, deadline: clock.now() + RETRY_BUDGET_MS, maxFailures: 4 }, `RAM role ${roleName}`);
        mask(keys.accessKeySecret);
        mask(keys.securityToken);
        log.info(`${this.renewals === 0 ? 'Got' : 'Renewed'} the credentials of the instance's RAM role ${roleName} from the metadata service, ${keys.mode}; valid for ${formatDuration(keys.lifetimeMs)}.`);
        return keys;
    }
}

;// CONCATENATED MODULE: ./src/credentials/environment-keys.ts
/**
 * Credential source: the vendor's variables ALIBABA_CLOUD_ACCESS_KEY_ID,
 * ALIBABA_CLOUD_ACCESS_KEY_SECRET and ALIBABA_CLOUD_SECURITY_TOKEN, as the
 * vendor's configure-credentials action sets them.
 */

const environmentKeys = {
    name: 'environment keys',
    chosenBy: [],
    choose(_inputs, env) {
        const accessKeyId = env.ALIBABA_CLOUD_ACCESS_KEY_ID?.trim();
        const accessKeySecret = env.ALIBABA_CLOUD_ACCESS_KEY_SECRET?.trim();
        if (!accessKeyId || !accessKeySecret)
            return undefined;
        const securityToken = env.ALIBABA_CLOUD_SECURITY_TOKEN?.trim() || undefined;
        return { accessKeyId, accessKeySecret, securityToken };
    },
    secrets: (settings) => [settings.accessKeySecret, settings.securityToken],
    describe: (settings) => `${settings.securityToken ? 'STS token' : 'AccessKey'} from ALIBABA_CLOUD_ACCESS_KEY_ID`,
    renewable: false,
    create: (settings) => new StaticCredentials(settings.accessKeyId, settings.accessKeySecret, settings.securityToken)
};

;// CONCATENATED MODULE: ./src/credentials/id-token.ts
/**
 * The job's GitHub ID token, asked for as @actions/core's `getIDToken` asks
 * (GET the runner's ACTIONS_ID_TOKEN_REQUEST_URL with `&audience=`, a bearer
 * request token, `{ "value": <token> }` back), but through the action's one
 * bounded exchange: `getIDToken` has no time limit and retries on its own
 * schedule. __tests__/contract/id-token.test.ts compares the two requests.
 */



const id_token_OPERATION = 'GetIDToken';
async function requestIdToken(source, route) {
    const url = new URL(`${source.requestUrl}&audience=${encodeURIComponent(source.audience)}`);
    const where = `GitHub's ID token service at ${url.host}`;
    let status;
    let body;
    try {
        ;
        ({ status, body } = await exchange({
            method: 'GET',
            url,
            headers: {
                accept: 'application/json',
                authorization: `Bearer ${source.requestToken}`,
                'user-agent': 'actions/oidc-client'
            }
        }, route));
    }
    catch (error) {
        throw toApiError(id_token_OPERATION, error, undefined, where);
    }
    const token = status === 200 ? whole(record(parse(body)).value) : undefined;
    if (token)
        return token;
    throw new ApiError({
        operation: id_token_OPERATION,
        code: status === 200 ? 'UnparsableResponse' : `HTTP${status}`,
        message: `${where} answered HTTP ${status}${status === 200 ? ' without a token' : ''}; check that the job has "permissions: id-token: write"`,
        statusCode: status,
        transient: status === 200 || status === 429 || status >= 500,
        throttled: status === 429
    });
}
function parse(body) {
    try {
        return JSON.parse(body.toString('utf8'));
    }
    catch {
        return undefined;
    }
}

;// CONCATENATED MODULE: ./src/credentials/sts.ts
/**
 * STS 2015-04-01 AssumeRoleWithOIDC, in the form the vendor's credentials
 * library (@alicloud/credentials) sends it: anonymous (the OIDC token is the
 * proof); `Action`, `Version`, `Format=JSON` and `Timestamp` in the query; the
 * five parameters in a form body, so the token never appears in a URL. Sent
 * through the one bounded exchange (net/exchange.ts), read by its shape
 * (api/answer.ts). __tests__/contract/credentials-library.test.ts compares the
 * request and the host choice with the library's.
 */





const STS_API_VERSION = '2015-04-01';
const ACTION = 'AssumeRoleWithOIDC';
/**
 * The STS host when `sts-endpoint` is not given, as the library chooses it:
 * `ALIBABA_CLOUD_STS_REGION` picks the regional host, and with
 * `ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED=true` its VPC host; otherwise the
 * central one.
 */
function defaultStsHost(env) {
    const region = env.ALIBABA_CLOUD_STS_REGION;
    const vpc = env.ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED?.toLowerCase() === 'true';
    if (!region)
        return 'sts.aliyuncs.com';
    return vpc ? `sts-vpc.${region}.aliyuncs.com` : `sts.${region}.aliyuncs.com`;
}
/** The vendor's encoding of a query or form: `key=encodeURIComponent(value)`, in order. */
function sts_form(fields) {
    return Object.entries(fields)
        .map(([key, value]) => `${key}=${encodeURIComponent(value)}`)
        .join('&');
}
/** `yyyy-MM-ddTHH:mm:ssZ`, UTC, from the runner's wall clock (as the library does). */
function timestamp(wall) {
    return new Date(wall).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
/** The request, field for field as `@alicloud/credentials` builds it. */
function assumeRoleRequest(endpoint, params, wall = Date.now()) {
    const query = sts_form({
        Version: STS_API_VERSION,
        Action: ACTION,
        Format: 'JSON',
        Timestamp: timestamp(wall)
    });
    return {
        method: 'POST',
        url: new URL(`${endpoint.protocol}://${endpoint.host}/?${query}`),
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: sts_form({
            OIDCProviderArn: params.providerArn,
            OIDCToken: params.oidcToken,
            RoleArn: params.roleArn,
            RoleSessionName: params.sessionName,
            DurationSeconds: `${params.durationSeconds}`
        })
    };
}
function createStsClient(options) {
    const where = `STS at ${options.endpoint.host}`;
    return {
        async assumeRoleWithOidc(params) {
            const resource = `role ${params.roleArn}`;
            options.log.debug(`→ ${ACTION} (parameters in the body)`);
            try {
                const response = await exchange(assumeRoleRequest(options.endpoint, params), options.route);
                const body = readAnswer(response, { operation: ACTION, resource });
                options.log.debug(`← ${ACTION} HTTP ${response.status} RequestId ${parse_text(body.RequestId) ?? '-'}`);
                const duration = params.durationSeconds * 1000;
                return sts_keysOf(body, resource, (expiration) => Math.min(duration, lifetime(expiration, serverTime(response), duration)));
            }
            catch (error) {
                throw toApiError(ACTION, error, resource, where);
            }
        }
    };
}
function sts_keysOf(body, resource, lifetimeOf) {
    const credentials = record(body.Credentials);
    const accessKeyId = whole(credentials.AccessKeyId);
    const accessKeySecret = whole(credentials.AccessKeySecret);
    const securityToken = whole(credentials.SecurityToken);
    if (!accessKeyId || !accessKeySecret || !securityToken)
        throw unparsable(ACTION, 'the response has no Credentials', resource);
    return {
        accessKeyId,
        accessKeySecret,
        securityToken,
        lifetimeMs: lifetimeOf(parse_text(credentials.Expiration))
    };
}

;// CONCATENATED MODULE: ./src/credentials/oidc-session.ts
/**
 * Credentials from an OIDC token exchanged with STS AssumeRoleWithOIDC,
 * renewed ahead of their expiry with a fresh token, so a wait of several hours
 * keeps working whatever the session lifetime. Shared by the GitHub OIDC and
 * the token-file sources. Every secret obtained is masked first.
 */






const MIN_SESSION_SECONDS = 900;
const MAX_SESSION_SECONDS = 43_200;
/** How long one role assumption may keep retrying (inside the step's deadline). */
const STS_RETRY_BUDGET_MS = 60_000;
/** A valid RoleSessionName (2–64 of A-Za-z0-9.@_-) derived from the run. */
function deriveSessionName(origin) {
    const raw = `github-${origin.runId ?? 'local'}-${origin.runAttempt ?? '1'}`;
    return raw.replace(/[^A-Za-z0-9.@_-]/g, '-').slice(0, 64);
}
function checkSessionName(sessionName) {
    if (!/^[A-Za-z0-9.@_-]{2,64}$/.test(sessionName))
        throw new InputError(Inputs.RoleSessionName, `"${sessionName}" must be 2 to 64 characters of A-Z a-z 0-9 . @ _ -`);
    return sessionName;
}
function sessionSeconds(inputs) {
    const text = inputs[Inputs.RoleSessionExpiration] ?? '3600';
    const seconds = Number(text);
    if (!Number.isInteger(seconds) || seconds < MIN_SESSION_SECONDS || seconds > MAX_SESSION_SECONDS)
        throw new InputError(Inputs.RoleSessionExpiration, `must be a whole number of seconds from ${MIN_SESSION_SECONDS} to ${MAX_SESSION_SECONDS}, not "${text}"`);
    return seconds;
}
/** A fresh OIDC token is asked for again when STS says the last one expired between issue and check. */
const EXPIRED_TOKEN = 'AuthenticationFail.OIDCToken.Expired';
class OidcCredentials extends SessionCredentials {
    role;
    token;
    context;
    constructor(role, 
    /** A fresh OIDC token (GitHub's ID token, or the token file's content). */
    token, context) {
        super(context.clock, context.log, 'oidc_role_arn');
        this.role = role;
        this.token = token;
        this.context = context;
    }
    async obtain() {
        const { clock, log, mask } = this.context;
        const sts = createStsClient({
            endpoint: this.context.stsEndpoint,
            route: this.context.route,
            log
        });
        const obtainedAt = clock.now();
        const keys = await withRetry('AssumeRoleWithOIDC', async () => {
            const oidcToken = await this.token();
            mask(oidcToken);
            return sts.assumeRoleWithOidc({ ...this.role, oidcToken });
        }, {
            clock,
            log,
            deadline: obtainedAt + STS_RETRY_BUDGET_MS,
            recover: [(error) => error.code === EXPIRED_TOKEN]
        }, `role ${this.role.roleArn}`);
        mask(keys.accessKeySecret);
        mask(keys.securityToken);
        const renewedIn = renewAt(obtainedAt, keys.lifetimeMs) - obtainedAt;
        log.info(`${this.renewals === 0 ? 'Assumed' : 'Renewed'} role ${this.role.roleArn} (session ${this.role.sessionName}); valid for ${formatDuration(keys.lifetimeMs)}, renewed in ${formatDuration(renewedIn)}.`);
        return keys;
    }
}

;// CONCATENATED MODULE: ./src/credentials/github-oidc.ts
/**
 * Credential source: GitHub OIDC. The job's ID token (credentials/id-token.ts)
 * is exchanged with STS AssumeRoleWithOIDC for temporary keys, renewed with a
 * fresh token before they expire: no long-lived keys in the repository.
 */




/** ARNs are checked against the whole value: nothing may follow them (a line break, a command). */
const ROLE_ARN = /^acs:ram::\d+:role\/[A-Za-z0-9._@+=,/-]+$/i;
const PROVIDER_ARN = /^acs:ram::\d+:oidc-provider\/[A-Za-z0-9._@+=,/-]+$/i;
const DEFAULT_AUDIENCE = 'sts.aliyuncs.com';
const githubOidc = {
    name: 'GitHub OIDC',
    chosenBy: [Inputs.RoleToAssume, Inputs.OidcProviderArn],
    reads: [Inputs.RoleSessionName, Inputs.RoleSessionExpiration, Inputs.Audience],
    choose(inputs, env, origin) {
        const role = oidcRole(inputs, inputs[Inputs.RoleSessionName] ?? deriveSessionName(origin));
        const requestUrl = env.ACTIONS_ID_TOKEN_REQUEST_URL;
        const requestToken = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
        if (!requestUrl || !requestToken)
            throw new InputError(Inputs.RoleToAssume, 'needs the job\'s GitHub ID token, but the runner did not offer one (ACTIONS_ID_TOKEN_REQUEST_URL is not set): add "permissions: id-token: write" to the workflow or the job');
        const audience = inputs[Inputs.Audience] ?? DEFAULT_AUDIENCE;
        return { ...role, token: { requestUrl, requestToken, audience } };
    },
    secrets: (settings) => [settings.token.requestToken],
    describe: (settings) => `GitHub OIDC, role ${settings.roleArn}`,
    obtainTitle: 'Assuming the RAM role with OIDC',
    renewable: true,
    // A fresh ID token for every session: GitHub's ID tokens live minutes, not hours.
    create: (settings, context) => new OidcCredentials(settings, () => requestIdToken(settings.token, context.route), context)
};
/** The role and provider ARNs, the session name and its lifetime, checked. */
function oidcRole(inputs, sessionName) {
    const roleArn = inputs[Inputs.RoleToAssume];
    const providerArn = inputs[Inputs.OidcProviderArn];
    if (!roleArn)
        throw new InputError(Inputs.RoleToAssume, `is required with ${Inputs.OidcProviderArn}`);
    if (!providerArn)
        throw new InputError(Inputs.OidcProviderArn, `is required with ${Inputs.RoleToAssume}`);
    if (!ROLE_ARN.test(roleArn))
        throw new InputError(Inputs.RoleToAssume, `${JSON.stringify(roleArn)} is not a RAM role ARN (acs:ram::<account-id>:role/<name>)`);
    if (!PROVIDER_ARN.test(providerArn))
        throw new InputError(Inputs.OidcProviderArn, `${JSON.stringify(providerArn)} is not an OIDC provider ARN (acs:ram::<account-id>:oidc-provider/<name>)`);
    return {
        roleArn,
        providerArn,
        sessionName: checkSessionName(sessionName),
        durationSeconds: sessionSeconds(inputs)
    };
}

;// CONCATENATED MODULE: external "node:fs/promises"
const promises_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs/promises");
;// CONCATENATED MODULE: ./src/credentials/oidc-token-file.ts
/**
 * Credential source: the vendor's OIDC variables ALIBABA_CLOUD_ROLE_ARN,
 * ALIBABA_CLOUD_OIDC_PROVIDER_ARN and ALIBABA_CLOUD_OIDC_TOKEN_FILE (a token
 * kept fresh by whatever wrote it), read again for every session.
 */



const oidcTokenFile = {
    name: 'OIDC token file',
    chosenBy: [],
    reads: [Inputs.RoleSessionName, Inputs.RoleSessionExpiration],
    choose(inputs, env, origin) {
        const roleArn = env.ALIBABA_CLOUD_ROLE_ARN?.trim();
        const providerArn = env.ALIBABA_CLOUD_OIDC_PROVIDER_ARN?.trim();
        const path = env.ALIBABA_CLOUD_OIDC_TOKEN_FILE?.trim();
        if (!roleArn || !providerArn || !path)
            return undefined;
        const sessionName = env.ALIBABA_CLOUD_ROLE_SESSION_NAME?.trim() ||
            inputs[Inputs.RoleSessionName] ||
            deriveSessionName(origin);
        return {
            roleArn,
            providerArn,
            path,
            sessionName: checkSessionName(sessionName),
            durationSeconds: sessionSeconds(inputs)
        };
    },
    secrets: () => [],
    describe: (settings) => `OIDC token file ALIBABA_CLOUD_OIDC_TOKEN_FILE, role ${settings.roleArn}`,
    obtainTitle: 'Assuming the RAM role with OIDC',
    renewable: true,
    create: (settings, context) => new OidcCredentials(settings, async () => (await (0,promises_namespaceObject.readFile)(settings.path, 'utf8')).trim(), context)
};

;// CONCATENATED MODULE: ./src/credentials/source.ts
function chosen(source, settings) {
    return {
        source: source.name,
        settings,
        renewable: source.renewable,
        obtainTitle: source.obtainTitle,
        secrets: () => source.secrets(settings).filter((secret) => Boolean(secret)),
        describe: () => source.describe(settings),
        create: (context) => source.create(settings, context)
    };
}

;// CONCATENATED MODULE: ./src/credentials/sources.ts
/**
 * Every credential source, in the order they are tried, none probed:
 * a source chosen by inputs wins, and inputs of two sources are an error; with
 * no credential input, the vendor's environment variables are read, keys before
 * a token file. Add a source here, in a file of its own (docs/design.md).
 */








const SOURCES = [
    ecsRamRole,
    githubOidc,
    accessKeys,
    environmentKeys,
    oidcTokenFile
];
/** Every input any source reads, for inputs/settings.ts to read. */
const CREDENTIAL_INPUTS = [
    ...new Set(SOURCES.flatMap((source) => [...source.chosenBy, ...(source.reads ?? [])]))
];
/** The one source this run uses. */
function chooseCredentials(inputs, env, origin) {
    const asked = SOURCES.filter((source) => source.chosenBy.some((name) => inputs[name]));
    if (asked.length > 1)
        throw mixed(asked, inputs);
    const candidates = asked.length ? asked : SOURCES.filter((source) => !source.chosenBy.length);
    for (const source of candidates) {
        const settings = source.choose(inputs, env, origin);
        if (settings !== undefined)
            return chosen(source, settings);
    }
    throw new InputError(Inputs.AccessKeyId, `and the other credential inputs are empty, and ALIBABA_CLOUD_ACCESS_KEY_ID / ALIBABA_CLOUD_ACCESS_KEY_SECRET are not set: give ${Inputs.RoleToAssume} with ${Inputs.OidcProviderArn} (GitHub OIDC), or ${Inputs.AccessKeyId} with ${Inputs.AccessKeySecret}`);
}
/** Inputs of two sources: name the first source's input, and the others it was given with. */
function mixed(asked, inputs) {
    const given = (source) => source.chosenBy.filter((name) => inputs[name]);
    const [first, ...rest] = asked;
    return new InputError(given(first)[0], `cannot be combined with ${rest.flatMap(given).join(', ')}; choose one way to authenticate`);
}

;// CONCATENATED MODULE: ./src/ecs/endpoints.ts
/**
 * Default ECS hosts. Most regions use ecs.<region-id>.aliyuncs.com; the
 * regions below are those the vendor's endpoint data (the endpoint map of
 * @alicloud/ecs20140526 7.11.6) names differently: finance, government and
 * other special regions. __tests__/contract/endpoints.test.ts checks this table
 * against the SDK, so that it cannot drift.
 */
const SPECIAL_HOSTS = {
    'cn-hangzhou': 'ecs-cn-hangzhou.aliyuncs.com',
    'cn-shanghai-finance-1': 'ecs-cn-hangzhou.aliyuncs.com',
    'cn-shenzhen-finance-1': 'ecs-cn-hangzhou.aliyuncs.com',
    'cn-north-2-gov-1': 'ecs.aliyuncs.com',
    'ap-northeast-2-pop': 'ecs.aliyuncs.com',
    'cn-beijing-finance-pop': 'ecs.aliyuncs.com',
    'cn-beijing-gov-1': 'ecs.aliyuncs.com',
    'cn-beijing-nu16-b01': 'ecs-cn-hangzhou.aliyuncs.com',
    'cn-edge-1': 'ecs.cn-qingdao-nebula.aliyuncs.com',
    'cn-fujian': 'ecs-cn-hangzhou.aliyuncs.com',
    'cn-haidian-cm12-c01': 'ecs-cn-hangzhou.aliyuncs.com',
    'cn-hangzhou-bj-b01': 'ecs-cn-hangzhou.aliyuncs.com',
    'cn-hangzhou-finance': 'ecs.aliyuncs.com',
    'cn-hangzhou-internal-prod-1': 'ecs-cn-hangzhou.aliyuncs.com',
    'cn-hangzhou-internal-test-1': 'ecs-cn-hangzhou.aliyuncs.com',
    'cn-hangzhou-internal-test-2': 'ecs-cn-hangzhou.aliyuncs.com',
    'cn-hangzhou-internal-test-3': 'ecs-cn-hangzhou.aliyuncs.com',
    'cn-hangzhou-test-306': 'ecs-cn-hangzhou.aliyuncs.com',
    'cn-hongkong-finance-pop': 'ecs.aliyuncs.com',
    'cn-huhehaote-nebula-1': 'ecs.cn-qingdao-nebula.aliyuncs.com',
    'cn-shanghai-et15-b01': 'ecs-cn-hangzhou.aliyuncs.com',
    'cn-shanghai-et2-b01': 'ecs-cn-hangzhou.aliyuncs.com',
    'cn-shanghai-inner': 'ecs.aliyuncs.com',
    'cn-shanghai-internal-test-1': 'ecs-cn-hangzhou.aliyuncs.com',
    'cn-shenzhen-inner': 'ecs.aliyuncs.com',
    'cn-shenzhen-st4-d01': 'ecs-cn-hangzhou.aliyuncs.com',
    'cn-shenzhen-su18-b01': 'ecs-cn-hangzhou.aliyuncs.com',
    'cn-wuhan': 'ecs.aliyuncs.com',
    'cn-yushanfang': 'ecs.aliyuncs.com',
    'cn-zhangbei': 'ecs.aliyuncs.com',
    'cn-zhangbei-na61-b01': 'ecs-cn-hangzhou.aliyuncs.com',
    'cn-zhangjiakou-na62-a01': 'ecs.cn-zhangjiakou.aliyuncs.com',
    'cn-zhengzhou-nebula-1': 'ecs.cn-qingdao-nebula.aliyuncs.com',
    'eu-west-1-oxs': 'ecs.cn-shenzhen-cloudstone.aliyuncs.com',
    'rus-west-1-pop': 'ecs.aliyuncs.com'
};
function defaultEcsEndpoint(regionId) {
    return Object.hasOwn(SPECIAL_HOSTS, regionId)
        ? SPECIAL_HOSTS[regionId]
        : `ecs.${regionId}.aliyuncs.com`;
}
/** The regions whose host is not the regional pattern. */
const SPECIAL_REGIONS = Object.keys(SPECIAL_HOSTS);

;// CONCATENATED MODULE: ./src/github.ts
const number = (value) => {
    const parsed = Number.parseInt(value ?? '', 10);
    return Number.isFinite(parsed) ? parsed : undefined;
};
function runOrigin(env = process.env) {
    const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/');
    return {
        repository: owner && repo ? `${owner}/${repo}` : undefined,
        runId: number(env.GITHUB_RUN_ID),
        runAttempt: number(env.GITHUB_RUN_ATTEMPT),
        job: env.GITHUB_JOB || undefined,
        step: env.GITHUB_ACTION || undefined,
        sha: env.GITHUB_SHA || undefined,
        serverUrl: env.GITHUB_SERVER_URL ?? 'https://github.com'
    };
}
/** The workflow run's page, and the commit's. */
function runLinks(origin) {
    const base = origin.repository ? `${origin.serverUrl}/${origin.repository}` : undefined;
    return {
        run: base && origin.runId !== undefined
            ? `${base}/actions/runs/${origin.runId}${origin.runAttempt ? `/attempts/${origin.runAttempt}` : ''}`
            : undefined,
        commit: base && origin.sha ? `${base}/commit/${origin.sha}` : undefined
    };
}

;// CONCATENATED MODULE: external "node:crypto"
const external_node_crypto_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");
;// CONCATENATED MODULE: ./src/inputs/client-token.ts
/**
 * The default ClientToken: unique to this step's execution. It names the run
 * and its attempt (a re-run starts a fresh build) and ends with a part chosen
 * once per step, so two matrix legs or two steps of one job never share one,
 * while every retry of this step's start request repeats it (so a retried
 * request never starts a second build).
 */



const MAX_CLIENT_TOKEN = 64;
function deriveClientToken(origin, nonce = (0,external_node_crypto_namespaceObject.randomBytes)(12).toString('hex')) {
    return `gha-${origin.runId ?? 'local'}-${origin.runAttempt ?? '1'}-${nonce}`.slice(0, MAX_CLIENT_TOKEN);
}
function checkClientToken(token) {
    if (token.length > MAX_CLIENT_TOKEN)
        throw new InputError(Inputs.ClientToken, `is ${token.length} characters long; at most ${MAX_CLIENT_TOKEN} are allowed`);
    if (!/^[\x21-\x7e]+$/.test(token))
        throw new InputError(Inputs.ClientToken, 'must be printable ASCII without spaces');
    return token;
}
/** The ClientToken of the start after the `round`-th wait (if-running: wait): at most 64 characters. */
function retryToken(token, round) {
    return `${token.slice(0, MAX_CLIENT_TOKEN - 9)}-w${round}`;
}

;// CONCATENATED MODULE: ./src/inputs/defaults.ts
/**
 * Every input's default, in one place. The runner passes action.yml's
 * defaults itself; these are what the code assumes when an input is empty
 * (a local run, a test), and __tests__/repo/docs.test.ts ties each one to
 * action.yml, so the two cannot drift.
 */

const DEFAULTS = {
    [Inputs.Wait]: 'true',
    [Inputs.Timeout]: '60m',
    [Inputs.PollInterval]: '10s',
    [Inputs.MaxPollInterval]: '60s',
    [Inputs.OnTimeout]: 'cancel',
    [Inputs.CancelOnJobCancel]: 'true',
    [Inputs.IfRunning]: 'fail',
    [Inputs.AllowPartialSuccess]: 'false',
    [Inputs.RoleSessionExpiration]: '3600',
    [Inputs.Audience]: 'sts.aliyuncs.com',
    [Inputs.MetadataEndpoint]: '100.100.100.200',
    [Inputs.ProvenanceTags]: 'true',
    [Inputs.PollHistory]: 'true'
};

;// CONCATENATED MODULE: ./src/inputs/tags.ts
const MAX_TAGS = 20;
function parseTags(text) {
    const entries = text
        .split(/[\n,]/)
        .map((entry) => entry.trim())
        .filter((entry) => entry !== '');
    if (entries.length > MAX_TAGS) {
        throw new Error(`has ${entries.length} tags; at most ${MAX_TAGS} are allowed`);
    }
    const seen = new Set();
    return entries.map((entry) => {
        const eq = entry.indexOf('=');
        if (eq < 0)
            throw new Error(`"${entry}" is not key=value`);
        const tag = { key: entry.slice(0, eq).trim(), value: entry.slice(eq + 1).trim() };
        checkTag(tag);
        if (seen.has(tag.key))
            throw new Error(`has the key "${tag.key}" twice`);
        seen.add(tag.key);
        return tag;
    });
}
/** Where the build came from: the repository, the run (`run-id/attempt`) and the commit. */
function provenanceTags(origin) {
    const tags = [];
    if (origin.repository)
        tags.push({ key: 'github-repository', value: origin.repository });
    if (origin.runId !== undefined)
        tags.push({ key: 'github-run', value: `${origin.runId}/${origin.runAttempt ?? 1}` });
    if (origin.sha)
        tags.push({ key: 'github-sha', value: origin.sha });
    return tags;
}
/** The user's tags, then each provenance tag whose key the user did not take; at most MAX_TAGS. */
function withProvenance(tags, provenance) {
    const taken = new Set(tags.map((tag) => tag.key));
    const added = provenance.filter((tag) => !taken.has(tag.key));
    added.forEach(checkTag);
    const all = [...tags, ...added];
    if (all.length > MAX_TAGS)
        throw new Error(`has ${tags.length} tags, and with ${added.length} provenance tags (${added.map((t) => t.key).join(', ')}) that makes ${all.length}; at most ${MAX_TAGS} are allowed: remove some, or set provenance-tags: false`);
    return all;
}
function checkTag({ key, value }) {
    if (key.length < 1 || key.length > 128) {
        throw new Error(`key "${key}" must be 1 to 128 characters`);
    }
    const lower = key.toLowerCase();
    if (lower.startsWith('aliyun') || lower.startsWith('acs:')) {
        throw new Error(`key "${key}" must not start with "aliyun" or "acs:"`);
    }
    if (/https?:\/\//i.test(key))
        throw new Error(`key "${key}" must not contain http:// or https://`);
    if (value.length > 128)
        throw new Error(`value of "${key}" is longer than 128 characters`);
    if (/https?:\/\//i.test(value)) {
        throw new Error(`value of "${key}" must not contain http:// or https://`);
    }
}

;// CONCATENATED MODULE: ./src/inputs/settings.ts
/**
 * Every input, parsed once into one typed, validated settings object. The only
 * file that reads inputs. A bad input throws an InputError naming it, before any
 * request is sent.
 */












const MIN_POLL_INTERVAL_MS = 1000;
/** A self-hosted job's longest run. */
const MAX_TIMEOUT_MS = 5 * 24 * 3_600_000;
const MAX_INTERVAL_MS = 3_600_000;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
/** An input's trimmed value, or its default; a control character (a line break, say) is refused. */
function input(name) {
    const value = getInput(name).trim() || DEFAULTS[name] || '';
    if (CONTROL.test(value))
        throw new InputError(name, 'contains a control character (a line break?); give one line');
    return value;
}
/** The tags input: one tag a line, so line breaks are its separators; other controls are refused. */
function tagsInput() {
    const value = getInput(Inputs.Tags);
    if (CONTROL.test(value.replace(/\r?\n/g, '')))
        throw new InputError(Inputs.Tags, 'contains a control character other than a line break');
    return value;
}
function optional(name) {
    return input(name) || undefined;
}
function parseBoolean(name, value, fallback) {
    if (value === '')
        return fallback;
    const lower = value.toLowerCase();
    if (lower === 'true')
        return true;
    if (lower === 'false')
        return false;
    throw new InputError(name, `must be true or false, not "${value}"`);
}
function parseChoice(name, value, choices, fallback) {
    if (value === '')
        return fallback;
    const found = choices.find((choice) => choice === value.toLowerCase());
    if (!found)
        throw new InputError(name, `must be one of ${choices.join(', ')}, not "${value}"`);
    return found;
}
function durationInput(name, maxMs) {
    const raw = input(name);
    try {
        const ms = parseDuration(raw);
        if (ms <= 0)
            throw new Error('must be longer than zero');
        if (ms > maxMs)
            throw new Error(`is longer than the limit, ${formatDuration(maxMs)}`);
        return ms;
    }
    catch (error) {
        throw new InputError(name, error.message.startsWith('"')
            ? error.message
            : `"${raw}" ${error.message}`);
    }
}
/** The tags input, with the provenance tags unless provenance-tags is false; at most 20 in all. */
function tagsWithProvenance(origin) {
    const tags = parseTagsInput(tagsInput());
    if (!parseBoolean(Inputs.ProvenanceTags, input(Inputs.ProvenanceTags), true))
        return tags;
    try {
        return withProvenance(tags, provenanceTags(origin));
    }
    catch (error) {
        throw new InputError(Inputs.Tags, error.message);
    }
}
function parseTagsInput(value) {
    try {
        return parseTags(value);
    }
    catch (error) {
        throw new InputError(Inputs.Tags, error.message);
    }
}
/** Every input, read and checked; `nonce` makes the default ClientToken unique to this step. */
function getSettings(env = process.env, origin = runOrigin(env), nonce) {
    const regionId = regionInput(env);
    const credentialInputs = {};
    for (const name of CREDENTIAL_INPUTS)
        credentialInputs[name] = optional(name);
    return {
        regionId,
        ...targetInputs(),
        tags: tagsWithProvenance(origin),
        ...waitInputs(),
        clientToken: checkClientToken(optional(Inputs.ClientToken) ?? deriveClientToken(origin, nonce)),
        clientTokenGiven: Boolean(optional(Inputs.ClientToken)),
        ...endpointInputs(regionId, env),
        credentialSource: chooseCredentials(credentialInputs, env, origin),
        origin,
        history: parseBoolean(Inputs.PollHistory, input(Inputs.PollHistory), true)
    };
}
/** Where the services are: ECS, STS and the metadata service. */
function endpointInputs(regionId, env) {
    return {
        ecsEndpoint: parseEndpoint(Inputs.Endpoint, optional(Inputs.Endpoint) ?? defaultEcsEndpoint(regionId)),
        stsEndpoint: parseEndpoint(Inputs.StsEndpoint, optional(Inputs.StsEndpoint) ?? defaultStsHost(env)),
        metadataEndpoint: parseMetadataEndpoint(Inputs.MetadataEndpoint, optional(Inputs.MetadataEndpoint) ?? METADATA_HOST)
    };
}
function regionInput(env) {
    const regionId = input(Inputs.RegionId) || env.ALIBABA_CLOUD_REGION_ID?.trim() || '';
    if (!regionId)
        throw new InputError(Inputs.RegionId, 'is required (or set ALIBABA_CLOUD_REGION_ID)');
    if (!/^[a-z]{2,}(-[a-z0-9]+)+$/.test(regionId)) {
        throw new InputError(Inputs.RegionId, `"${regionId}" is not a region ID (e.g. cn-hangzhou)`);
    }
    return regionId;
}
/** What to build or follow: a pipeline by ID or name, or an existing execution. */
function targetInputs() {
    const pipelineId = optional(Inputs.ImagePipelineId);
    const pipelineName = optional(Inputs.ImagePipelineName);
    const executionId = optional(Inputs.ExecutionId);
    if (pipelineId && pipelineName) {
        throw new InputError(Inputs.ImagePipelineName, `cannot be combined with ${Inputs.ImagePipelineId}; give one of them`);
    }
    if (!pipelineId && !pipelineName && !executionId) {
        throw new InputError(Inputs.ImagePipelineId, `is required (or give ${Inputs.ImagePipelineName}, or ${Inputs.ExecutionId} to wait for an existing execution)`);
    }
    if (pipelineId && !/^[A-Za-z0-9_-]{1,64}$/.test(pipelineId)) {
        throw new InputError(Inputs.ImagePipelineId, `"${pipelineId}" is not an image pipeline ID (e.g. ip-2ze5tsl5bp6nf2b3xxxx)`);
    }
    if (executionId && !/^[A-Za-z0-9_-]{1,64}$/.test(executionId)) {
        throw new InputError(Inputs.ExecutionId, `"${executionId}" is not an execution ID (e.g. exec-5fb8facb8ed7427cxxxx)`);
    }
    return { pipelineId, pipelineName, executionId };
}
/** How to wait, and what the end means. */
function waitInputs() {
    const timeoutMs = durationInput(Inputs.Timeout, MAX_TIMEOUT_MS);
    const pollIntervalMs = durationInput(Inputs.PollInterval, MAX_INTERVAL_MS);
    const maxPollIntervalMs = durationInput(Inputs.MaxPollInterval, MAX_INTERVAL_MS);
    if (pollIntervalMs < MIN_POLL_INTERVAL_MS)
        throw new InputError(Inputs.PollInterval, 'must be at least 1s');
    if (maxPollIntervalMs < pollIntervalMs) {
        throw new InputError(Inputs.MaxPollInterval, `must not be shorter than ${Inputs.PollInterval}`);
    }
    const choice = (name, choices) => parseChoice(name, input(name), choices, choices[0]);
    const flag = (name, fallback) => parseBoolean(name, input(name), fallback);
    return {
        waitForEnd: flag(Inputs.Wait, true),
        timeoutMs,
        pollIntervalMs,
        maxPollIntervalMs,
        onTimeout: choice(Inputs.OnTimeout, ['cancel', 'leave']),
        cancelOnJobCancel: flag(Inputs.CancelOnJobCancel, true),
        ifRunning: choice(Inputs.IfRunning, ['fail', 'wait', 'attach']),
        allowPartialSuccess: flag(Inputs.AllowPartialSuccess, false)
    };
}

;// CONCATENATED MODULE: ./src/state.ts
/**
 * What passes from the main step to the post step (GITHUB_STATE): written and
 * read only here, through the runner's state store, so both steps' logic is
 * testable without the runner.
 */

class PostStepState {
    store;
    constructor(store) {
        this.store = store;
    }
    /** The execution is known; `guarded` when the post step is to cancel it if the main step is killed. */
    execution(executionId, guarded) {
        this.store.set(State.ExecutionId, executionId);
        if (guarded)
            this.store.set(State.Guard, 'true');
    }
    /** The main step needs no backstop: the post step does nothing. */
    done() {
        this.store.set(State.Done, 'true');
    }
    cancelRequested() {
        this.store.set(State.CancelRequested, 'true');
    }
    /** The main step's cancel failed: the post step tries again, and says why it is trying. */
    cancelFailed(words) {
        this.store.set(State.CancelFailed, words);
    }
    /** The credentials are dead: the post step, with the same ones, cannot cancel either. */
    credentialsRefused(code) {
        this.store.set(State.CredentialsRefused, code);
    }
    read() {
        return {
            executionId: this.store.get(State.ExecutionId) || undefined,
            guarded: this.store.get(State.Guard) === 'true',
            done: this.store.get(State.Done) === 'true',
            cancelRequested: this.store.get(State.CancelRequested) === 'true',
            cancelFailed: this.store.get(State.CancelFailed) || undefined,
            credentialsRefused: this.store.get(State.CredentialsRefused) || undefined
        };
    }
}

;// CONCATENATED MODULE: ./src/run/cancellation.ts
/**
 * How long a cancel's retries may go on when the run is being cancelled: no
 * exchange outlives it (net/exchange.ts), so the step ends within 5 s of the
 * signal (the runner sends SIGTERM 7.5 s after SIGINT).
 */
const CANCEL_ON_SIGNAL_BUDGET_MS = 2_000;
class RunCancellation {
    signals;
    log;
    cancel;
    controller = new AbortController();
    guarded;
    request;
    constructor(signals, log, cancel) {
        this.signals = signals;
        this.log = log;
        this.cancel = cancel;
        signals.on('SIGINT', this.onSignal);
        signals.on('SIGTERM', this.onSignal);
    }
    get signal() {
        return this.controller.signal;
    }
    get cancelled() {
        return this.controller.signal.aborted;
    }
    /** From now on a cancelled run cancels this execution; at once if the run is cancelled already. */
    guard(executionId) {
        this.guarded = executionId;
        if (this.cancelled)
            this.cancelOnce(executionId, CANCEL_ON_SIGNAL_BUDGET_MS);
    }
    /** Cancels the execution unless a cancel is under way or done already: never two at once. */
    cancelOnce(executionId, budgetMs) {
        this.request ??= this.cancel(executionId, budgetMs);
        return this.request;
    }
    /** What became of the cancel, if one was requested. */
    outcome() {
        return this.request;
    }
    dispose() {
        this.signals.off('SIGINT', this.onSignal);
        this.signals.off('SIGTERM', this.onSignal);
    }
    onSignal = (signal) => {
        if (this.cancelled)
            return;
        this.log.info(`Received ${signal}: the workflow run is being cancelled.`);
        this.controller.abort();
        if (this.guarded)
            this.cancelOnce(this.guarded, CANCEL_ON_SIGNAL_BUDGET_MS);
    };
}

;// CONCATENATED MODULE: ./src/ecs/listing.ts
/** Listings stop after this many pages, whatever NextToken says. */
const MAX_PAGES = 50;
async function eachPage(fetch, visit, maxPages = MAX_PAGES) {
    const tokens = new Set();
    let nextToken;
    for (let pages = 1;; pages++) {
        const page = await fetch(nextToken);
        visit(page.items);
        nextToken = page.nextToken;
        if (!nextToken)
            return { end: 'complete', pages };
        if (tokens.has(nextToken))
            return { end: 'repeated-token', pages };
        if (pages >= Math.min(maxPages, MAX_PAGES))
            return { end: 'too-many-pages', pages };
        tokens.add(nextToken);
    }
}
/** Why a listing could not be read whole, in words for an error. */
function brokenListing(what, listing) {
    return listing.end === 'repeated-token'
        ? `the listing of ${what} repeated its NextToken after ${listing.pages} page(s), so it could not be read whole`
        : `the listing of ${what} had more than ${MAX_PAGES} pages, so it was not read whole`;
}

;// CONCATENATED MODULE: ./src/ecs/status.ts
/**
 * Execution statuses, as listed on the DescribeImagePipelineExecutions page
 * (docs/api-notes.md). A status we do not know
 * is treated as running: the service may add phases, and a new phase must never
 * crash a wait for a build that is still going.
 */
const RUNNING_STATUSES = [
    'PREPARING',
    'REPAIRING',
    'BUILDING',
    'TESTING',
    'DISTRIBUTING',
    'RELEASING',
    'CANCELLING'
];
const TERMINAL_STATUSES = [
    'SUCCESS',
    'PARTITION_SUCCESS',
    'FAILED',
    'TEST_FAILED',
    'CANCELLED'
];
/** Every status the API lists (the emulator accepts these in a Status filter). */
const KNOWN_STATUSES = [...RUNNING_STATUSES, ...TERMINAL_STATUSES];
const CLASSES = {
    SUCCESS: 'success',
    PARTITION_SUCCESS: 'partial',
    FAILED: 'failed',
    TEST_FAILED: 'failed',
    CANCELLED: 'cancelled'
};
function classify(status) {
    return CLASSES[status] ?? 'running';
}
function isTerminal(status) {
    return classify(status) !== 'running';
}
function isKnown(status) {
    return KNOWN_STATUSES.includes(status);
}

;// CONCATENATED MODULE: ./src/run/identity.ts
/**
 * Whose build is it? A build this step reports as its own must be the one its
 * own start created; anything else is another's, and if-running decides:
 * - a start answered with an execution created before this step's first start
 *   request came from a ClientToken used before (a client-token given twice):
 *   it is not ours;
 * - a busy pipeline's running execution is looked up among that pipeline's
 *   executions only: a listing's item of another pipeline is never adopted.
 */



/** CreationTime has whole seconds; the service's clock is read from its answer: a margin for both. */
const CREATED_BEFORE_MARGIN_MS = 2_000;
const LOOK_UP_BUDGET_MS = 10_000;
/**
 * The execution a start answered with, when it was created before this step's
 * first start request (by the service's clock, from the start's answer);
 * undefined when it is ours, or when that cannot be told (no clock in the
 * answer, not listed yet: a new build is often not listed at once).
 */
async function startedBefore({ ecs, clock, log, settings }, started, firstStartWall) {
    // The default token is new for every step: only a client-token given as input can have been used before.
    if (!settings.clientTokenGiven || started.serverTime === undefined)
        return undefined;
    const skew = started.serverTime - clock.wall();
    let execution;
    try {
        execution = await ecs
            .within(LOOK_UP_BUDGET_MS)
            .getExecution({ executionId: started.executionId });
    }
    catch (error) {
        log.debug(`Execution ${started.executionId} not looked up (${describeError(error)}); taken as ours.`);
        return undefined;
    }
    const created = Date.parse(execution?.creationTime ?? '');
    if (!execution || !Number.isFinite(created))
        return undefined;
    if (created >= firstStartWall + skew - CREATED_BEFORE_MARGIN_MS)
        return undefined;
    return {
        execution,
        running: !isTerminal(execution.status),
        why: `The start was answered with execution ${execution.executionId} (${execution.status}), created at ${execution.creationTime}, before this step's first start request: its ClientToken was used before (give a fresh client-token, or leave it empty), so it is not this step's build`
    };
}
/** The pipeline's running execution (the newest, if several), when a start found it busy. */
async function otherRunning(step, pipelineId) {
    // Every known running status, all pages (an empty Status filter may not list
    // every status: docs/api-notes.md); then one unfiltered page, for a running
    // status this action does not know yet.
    let found = await newestRunning(step, pipelineId, RUNNING_STATUSES);
    if (!found.execution && !found.broken)
        found = await newestRunning(step, pipelineId, undefined, 1);
    if (!found.execution && found.broken)
        throw new Error(`Pipeline ${pipelineId} is busy, but ${found.broken}; try again, or give execution-id to wait for its build`);
    const execution = found.execution;
    return (execution && {
        execution,
        running: true,
        why: `Pipeline ${pipelineId} is busy with execution ${execution.executionId} (${execution.status})`
    });
}
/** The newest running execution of this pipeline in a listing, holding one page at a time. */
async function newestRunning({ ecs }, pipelineId, statuses, maxPages) {
    let newest;
    const listing = await eachPage((nextToken) => ecs.executionsPage({ pipelineId, statuses, maxResults: 100, nextToken }), (items) => {
        for (const execution of items) {
            if (execution.pipelineId !== pipelineId || isTerminal(execution.status))
                continue;
            // No assumption about the listing's order: the newest by creation time.
            if (!newest || (execution.creationTime ?? '') > (newest.creationTime ?? ''))
                newest = execution;
        }
    }, maxPages);
    const broken = listing.end === 'complete' || maxPages === 1
        ? undefined
        : brokenListing(`its executions`, listing);
    return { execution: newest, broken };
}

;// CONCATENATED MODULE: ./src/run/start.ts
/**
 * One start request, seen through. The same ClientToken makes every retry
 * safe. A throttled start was never processed, so it is retried until the
 * deadline, backing off as the account's quota asks; a start that keeps
 * failing in a way that may have reached the service (5xx, resets) stops after
 * START_MAX_FAILURES. A cancelled run does not stop a start that may have
 * reached the service: its answer may carry an ID, and only the ID lets the
 * run cancel the build; it stops one that cannot have.
 */



const START_MAX_FAILURES = 6;
const BUSY = 'InvalidImagePipeline.HasRunningExecution';
/**
 * How a start is retried: at most START_MAX_FAILURES failures that may have
 * been processed; throttling (the account's quota) backed off as the wait loop
 * backs off, within its intervals, until the deadline. tools/fleet.ts starts
 * its simulated builds with this same policy.
 */
function startPolicy(intervals) {
    return {
        maxFailures: START_MAX_FAILURES,
        throttleFloorMs: intervals.pollIntervalMs,
        throttleCapMs: intervals.maxPollIntervalMs
    };
}
/** The new execution, or undefined when the pipeline is busy. */
async function tryStart(step, pipelineId, clientToken) {
    const { settings, ecs, log, cancellation } = step;
    try {
        const started = await ecs
            .with({
            signal: undefined,
            wake: cancellation.signal,
            ...startPolicy(settings),
            giveUp: (failures) => cancellation.cancelled && failures.every((failure) => !failure.reached)
        })
            .startExecution({ pipelineId, clientToken, tags: settings.tags });
        log.info(`Started execution ${started.executionId} (ClientToken ${clientToken})`);
        return started;
    }
    catch (error) {
        if (error instanceof ApiError && error.code === BUSY)
            return undefined;
        if (error instanceof ApiError && error.code === DEADLINE)
            throw new Error(`Timed out before the build of pipeline ${pipelineId} could be started (timeout ${formatDuration(settings.timeoutMs)}); nothing was started.`, { cause: error });
        if (cancellation.cancelled && error instanceof ApiError && !error.reached)
            throw new Error(`The workflow run was cancelled while the build was starting; no attempt reached the service, so nothing was started (${error.message}).`, { cause: error });
        throw error;
    }
}

;// CONCATENATED MODULE: ./src/wait/schedule.ts
/**
 * The polling schedule, pure. Two costs pull against each other: the seconds
 * between the end of a build and the step noticing it, and API calls, which draw
 * on a quota the whole account shares (the console, Terraform, and a fleet of
 * runners polling at once). What we know about image builds:
 *
 * - A build may end from any running phase: the API reference does not say
 *   that every build passes through RELEASING, so no phase is polled more
 *   sparsely than twice the minimum, and RELEASING (the usual last phase) and
 *   CANCELLING at the minimum.
 * - When this pipeline's recent successful builds say when the end is likely
 *   (`expectedEnd`), poll more sparsely (up to SPARSE_CEILING minimums) before
 *   that window and land a poll on its start; from there on, as without history.
 * - Throttling means the shared quota is spent: back off with decorrelated
 *   jitter (the AWS architecture blog's "Exponential Backoff And Jitter"),
 *   never faster than before below the maximum, and recover gradually
 *   (`backoffMs` halves with every BACKOFF_HALF_LIFE_MS without throttling,
 *   however often the run polls), so runs share the quota instead of retrying
 *   in step. At the maximum, where backed-off runs pile up, a delay is drawn
 *   anywhere in its upper part (CEILING_SPREAD): runs that wait the same length
 *   in step keep landing right behind each other, and the one behind is
 *   refused every time. In the last phases, where the end comes and a call
 *   pays, a throttled poll is retried within a fifth over the minimum, and no
 *   earlier backoff holds it.
 * - Jitter on every delay, after the clamp, so runs started together spread out
 *   and stay spread; never below the minimum, never above the maximum.
 */

const DEFAULT_FACTOR = 1.5;
/** In running phases other than the last, at most this many minimum intervals apart. */
const PHASE_CEILING = 2;
/** Before the likely end (from history), at most this many minimum intervals apart. */
const SPARSE_CEILING = 3;
/** Jitter: a delay moves by up to half this share of it, either way. */
const JITTER = 0.2;
/** After throttling, the backoff halves with every this much time without throttling. */
const BACKOFF_HALF_LIFE_MS = 10 * 60_000;
/** Backed off to the maximum, a delay is drawn between this share of it and all of it. */
const CEILING_SPREAD = 0.7;
/** In the last phases, a throttled poll is retried between the minimum and this much over it. */
const CLOSING_RETRY_SPREAD = 0.2;
/** The usual last phases: the end follows them. */
function isFinalPhase(status) {
    return status === 'RELEASING' || status === 'CANCELLING';
}
function nextPollDelay(state, options, random) {
    const { minMs, maxMs } = options;
    let delay = scheduledDelay(state, options);
    if (state.throttled && isFinalPhase(state.status)) {
        // Where the end comes, a throttled poll is retried soon: just over the minimum.
        delay = minMs * (1 + CLOSING_RETRY_SPREAD * random());
    }
    else if (state.throttled) {
        // Decorrelated jitter: between the last delay (never faster) and three times it.
        delay = Math.max(delay, decorrelatedJitter(state.previousDelayMs, 2 * minMs, random));
        if (delay >= maxMs * CEILING_SPREAD)
            return spreadBelow(options, random);
    }
    else if (state.backoffMs && !isFinalPhase(state.status)) {
        // Spend the shared quota where the end can come: the last phases are not held back.
        delay = Math.max(delay, state.backoffMs);
    }
    return jitter(clamp(delay, minMs, maxMs), options, random);
}
/**
 * What throttling leaves behind after a poll: the delay it forced, decaying by
 * half with every BACKOFF_HALF_LIFE_MS of quiet (`delayMs`, the wait before the
 * next poll, counts as quiet). Time, not polls: quotas are counted per second.
 */
function nextBackoff(state, delayMs, minMs) {
    if (state.throttled)
        return delayMs;
    const decayed = (state.backoffMs ?? 0) * 0.5 ** (delayMs / BACKOFF_HALF_LIFE_MS);
    return decayed > minMs ? Math.round(decayed) : undefined;
}
/** The schedule alone: phase, history, growth; no throttling, no jitter. */
function scheduledDelay(state, options) {
    const { minMs, maxMs } = options;
    if (isFinalPhase(state.status))
        return minMs;
    const factor = options.factor ?? DEFAULT_FACTOR;
    let ceiling = Math.min(maxMs, minMs * PHASE_CEILING);
    let landing = Number.POSITIVE_INFINITY;
    const window = options.expectedEnd;
    if (window &&
        state.elapsedMs !== undefined &&
        state.status !== undefined &&
        state.elapsedMs < window.fromMs) {
        // Long before the likely end: sparser polling, with a poll landing right on the
        // window. Not up to the maximum: a build may still fail before it.
        ceiling = Math.min(maxMs, minMs * SPARSE_CEILING);
        landing = window.fromMs - state.elapsedMs;
    }
    const grown = minMs * factor ** Math.min(state.unchangedPolls, 60);
    return clamp(Math.min(grown, Math.max(landing, minMs)), minMs, ceiling);
}
/** Anywhere between CEILING_SPREAD of the maximum (never below the minimum) and all of it. */
function spreadBelow({ minMs, maxMs }, random) {
    const low = Math.max(minMs, maxMs * CEILING_SPREAD);
    return Math.round(low + (maxMs - low) * random());
}
/**
 * Up to JITTER/2 of the delay either way, so the mean stays the schedule's; a
 * delay that would leave [minimum, maximum] is reflected back into it.
 */
function jitter(delay, { minMs, maxMs }, random) {
    const offset = delay * JITTER * (random() - 0.5);
    const jittered = delay + offset;
    if (jittered < minMs)
        return Math.round(Math.min(maxMs, delay + Math.abs(offset)));
    if (jittered > maxMs)
        return Math.round(Math.max(minMs, delay - Math.abs(offset)));
    return Math.round(jittered);
}
/** Never sleep past the deadline: the last poll happens right at it. */
function untilDeadline(delayMs, nowMs, deadlineMs) {
    return Math.max(0, Math.min(delayMs, deadlineMs - nowMs));
}
/**
 * The window in which a build of this pipeline is likely to end, from the
 * durations of its recent successful builds: from a little before the quickest
 * to a little after the slowest. None with fewer than two samples.
 */
function expectedEndWindow(durationsMs) {
    const usable = durationsMs.filter((d) => Number.isFinite(d) && d > 0);
    if (usable.length < 2)
        return undefined;
    return { fromMs: Math.min(...usable) * 0.9, toMs: Math.max(...usable) * 1.1 };
}
function clamp(value, low, high) {
    return Math.round(Math.min(high, Math.max(low, value)));
}

;// CONCATENATED MODULE: ./src/wait/wait.ts






const DEFAULT_VISIBILITY_GRACE_MS = 60_000;
/** The last poll comes this long before the deadline, so that its exchange is sent, and ends, within it. */
const FINAL_POLL_MS = MIN_EXCHANGE_MS + 500;
const wait_OPERATION = 'DescribeImagePipelineExecutions';
async function waitForExecution(options) {
    const { clock, log, signal } = options;
    const lastPoll = options.deadline - FINAL_POLL_MS;
    const random = options.random ?? Math.random;
    const wait = new Wait(options);
    for (;;) {
        if (signal?.aborted)
            return wait.finish('aborted');
        const polled = await wait.poll();
        if (polled === true)
            return wait.finish('ended');
        // A poll that a cancelled run or the deadline cut short says nothing of the build.
        if (signal?.aborted)
            return wait.finish('aborted');
        if (polled instanceof ApiError)
            return polled.code === DEADLINE ? wait.finish('timed_out') : wait.finish('failed', polled);
        const now = clock.now();
        if (now >= lastPoll)
            return wait.finish('timed_out');
        const pollState = wait.pollState;
        // Never sooner than the service asked (x-acs-retry-after).
        const scheduled = Math.max(nextPollDelay(pollState, options.schedule, random), pollState.retryAfterMs ?? 0);
        const delay = untilDeadline(scheduled, now, lastPoll);
        wait.slowedBy(delay);
        pollState.previousDelayMs = delay;
        pollState.backoffMs = nextBackoff(pollState, delay, options.schedule.minMs);
        log.debug(`next poll in ${(delay / 1000).toFixed(1)}s${pollState.throttled ? ' (slowed down after throttling)' : ''}`);
        await clock.sleep(delay, signal);
    }
}
/** What one wait has seen so far. */
class Wait {
    options;
    pollState = { unchangedPolls: 0, throttled: false };
    timeline = [];
    warned = new Set();
    grace;
    last;
    /** When the current timeline entry began, on the monotonic clock. */
    entryStartedAt = 0;
    polls = 0;
    failedPolls = 0;
    throttledPolls = 0;
    /** How much longer than the schedule alone the waits after throttling were. */
    throttleDelayMs = 0;
    constructor(options) {
        this.options = options;
        this.grace = options.visibilityGraceMs ?? DEFAULT_VISIBILITY_GRACE_MS;
    }
    /** One poll: true when the execution has ended; the error when retrying cannot fix it. */
    async poll() {
        const { api, executionId } = this.options;
        this.pollState.throttled = false;
        this.pollState.retryAfterMs = undefined;
        this.polls++;
        try {
            const execution = await api.getExecution({ executionId });
            if (!execution) {
                this.notVisible();
                return false;
            }
            this.seen(execution);
            return isTerminal(execution.status);
        }
        catch (thrown) {
            const error = toApiError(wait_OPERATION, thrown, `execution ${executionId}`);
            if (!error.transient)
                return error;
            this.failedPolls++;
            this.pollState.throttled = error.throttled;
            this.pollState.retryAfterMs = error.retryAfterMs;
            if (error.throttled)
                this.throttledPolls++;
            this.options.log.debug(`poll ${this.polls} failed with ${error.code}${error.statusCode ? ` (HTTP ${error.statusCode})` : ''}; retry ${this.failedPolls} at the next poll`);
            return false;
        }
    }
    /** Counts what throttling (and its slow recovery) added to a delay. */
    slowedBy(delayMs) {
        if (!this.pollState.throttled && !this.pollState.backoffMs)
            return;
        const normal = scheduledDelay(this.pollState, this.options.schedule);
        this.throttleDelayMs += Math.max(0, delayMs - normal);
    }
    finish(end, error) {
        const at = this.options.clock.now();
        if (this.throttledPolls)
            this.options.log.notice(`The API throttled ${this.throttledPolls} of ${this.polls} polls (the account's rate quota is shared with other runs, the console and other tools); waiting it out slowed this step by about ${formatDuration(this.throttleDelayMs)}.`);
        this.closeEntry(at);
        this.options.log.debug(`wait ${end} after ${this.polls} poll(s), ${this.failedPolls} retried`);
        return {
            end,
            error,
            execution: this.last,
            timeline: this.timeline,
            polls: this.polls,
            failedPolls: this.failedPolls,
            throttledPolls: this.throttledPolls,
            throttleDelayMs: this.throttleDelayMs
        };
    }
    /** Right after a start the execution may not be listed yet: a normal, short-lived state (docs/api-notes.md). */
    notVisible() {
        const { clock, executionId, visibleFrom, log } = this.options;
        const waited = clock.now() - visibleFrom;
        if (waited > this.grace) {
            throw new ApiError({
                operation: wait_OPERATION,
                code: 'InvalidExecution.NotFound',
                message: `execution ${executionId} is not listed ${formatDuration(waited)} after the wait began; check execution-id and region-id`,
                resource: `execution ${executionId}`,
                transient: false,
                throttled: false
            });
        }
        log.debug(`poll ${this.polls}: execution ${executionId} not visible yet`);
        this.pollState.unchangedPolls++;
    }
    seen(execution) {
        const { clock, startedAt, log } = this.options;
        const now = clock.now();
        if (execution.status !== this.last?.status) {
            this.changed(execution, now);
        }
        else {
            this.pollState.unchangedPolls++;
            log.debug(`poll ${this.polls}: ${execution.status}`);
        }
        this.last = execution;
        this.options.onPoll?.(execution);
        this.pollState.status = execution.status;
        // Since the execution's own start when the service says (an attached build began
        // earlier): its time against the wall clock, else this step's own time.
        const created = Date.parse(execution.creationTime ?? '');
        const wall = clock.wall();
        this.pollState.elapsedMs =
            Number.isFinite(created) && created <= wall ? wall - created : now - startedAt;
    }
    /** The current timeline entry lasted until `at` (monotonic). */
    closeEntry(at) {
        const last = this.timeline[this.timeline.length - 1];
        if (last)
            last.durationMs = at - this.entryStartedAt;
    }
    changed(execution, now) {
        const { executionId, startedAt, log, clock } = this.options;
        this.closeEntry(now);
        this.entryStartedAt = now;
        this.timeline.push({ status: execution.status, since: clock.wall(), durationMs: 0 });
        this.pollState.unchangedPolls = 0;
        log.info(`[${formatDuration(now - startedAt)}] ${execution.status}${execution.message ? `: ${execution.message}` : ''}`);
        if (!isKnown(execution.status) && !this.warned.has(execution.status)) {
            this.warned.add(execution.status);
            log.warning(`Execution ${executionId} reports a status this action does not know, "${execution.status}"; it is treated as still running.`);
        }
    }
}

;// CONCATENATED MODULE: ./src/run/waiting-other.ts

/** Returns once the other execution ended; throws if the run ends first. */
async function waitForOther(step, pipelineId, other) {
    const { settings, ecs, clock, log, deadline, cancellation } = step;
    log.info(`Pipeline ${pipelineId} is busy with execution ${other.executionId} (${other.status}); waiting for it to end (if-running: wait).`);
    const waited = await waitForExecution({
        api: ecs.with({ maxAttempts: 1 }),
        executionId: other.executionId,
        clock,
        log,
        deadline,
        startedAt: clock.now(),
        visibleFrom: clock.now(),
        schedule: { minMs: settings.pollIntervalMs, maxMs: settings.maxPollIntervalMs },
        signal: cancellation.signal
    });
    if (waited.end !== 'ended')
        stopWaiting(pipelineId, other.executionId, waited.end, waited.error?.message);
    log.info(`Execution ${other.executionId} ended with ${waited.execution?.status}; starting ours.`);
}
/** Between two starts: at least one poll interval, never past the deadline. */
async function pause(step, pipelineId) {
    const { settings, clock, deadline, cancellation } = step;
    if (clock.now() + settings.pollIntervalMs > deadline)
        stopWaiting(pipelineId, undefined, 'timed_out');
    await clock.sleep(settings.pollIntervalMs, cancellation.signal);
    if (cancellation.cancelled)
        stopWaiting(pipelineId, undefined, 'aborted');
}
function stopWaiting(pipelineId, executionId, end, why) {
    const what = `${executionId ? `execution ${executionId}` : 'the running execution'} of pipeline ${pipelineId} to end (if-running: wait); nothing was started.`;
    if (end === 'aborted')
        throw new Error(`The workflow run was cancelled while waiting for ${what}`);
    if (end === 'timed_out')
        throw new Error(`Timed out waiting for ${what}`);
    throw new Error(`Polling failed (${why}) while waiting for ${what}`);
}

;// CONCATENATED MODULE: ./src/run/execution.ts
/**
 * The execution phase: the execution this step reports on. It is the one given
 * (execution-id), one this step starts, or, when the pipeline is busy, what
 * if-running says: fail, attach to the running one, or wait for it to end and
 * then start. What the post step needs is saved before any output is written.
 */






async function executionPhase(step, pipelineId) {
    const { settings, log, cancellation, clock } = step;
    let chosen;
    if (settings.executionId) {
        chosen = { executionId: settings.executionId, ownership: 'given', visibleFrom: clock.now() };
        log.info(`Waiting for the existing execution ${chosen.executionId}`);
    }
    else {
        if (cancellation.cancelled)
            throw new Error('The workflow run was cancelled before a build was started; nothing was started.');
        const pipeline = pipelineId;
        chosen = await log.group(`Starting a build of ${pipeline}`, () => startOrAdopt(step, pipeline));
    }
    await execution_record(step, chosen);
    return chosen;
}
/**
 * The post step's state first, then the outputs. A build this step started
 * whose state cannot be saved (or whose ID cannot be handed on under
 * wait: false) would run on unseen: it is cancelled, and the step fails naming
 * the file.
 */
async function execution_record(step, chosen) {
    const { settings, cancellation, outputs } = step;
    const started = chosen.ownership === 'started';
    const guarded = started && settings.cancelOnJobCancel;
    // The main step guards it from now on, also under wait: false: a run cancelled
    // while the build was starting cancels it (at once if it is being cancelled already).
    if (guarded)
        cancellation.guard(chosen.executionId);
    try {
        step.postStep.execution(chosen.executionId, guarded && settings.waitForEnd);
    }
    catch (error) {
        throw await unseen(step, chosen, error);
    }
    outputs.execution(chosen.executionId);
    if (started && !settings.waitForEnd && outputs.failed)
        throw await unseen(step, chosen, outputs.failed);
}
async function unseen(step, chosen, error) {
    if (chosen.ownership !== 'started')
        return error instanceof Error ? error : new Error(String(error));
    const cancel = await step.cancellation.cancelOnce(chosen.executionId, CANCEL_ON_SIGNAL_BUDGET_MS * 5);
    return new Error(`${describeError(error)}. Execution ${chosen.executionId} was started but could not be handed on or guarded, so it is not left running unseen: ${cancel.words}.`);
}
/** Starts a build, or follows if-running when the pipeline is busy; within the deadline. */
async function startOrAdopt(step, pipelineId) {
    const firstStartWall = step.clock.wall();
    for (let round = 0;; round++) {
        // A token whose first use failed may be answered with that failure again:
        // each start after a wait has a new one, derived from the first.
        const token = round === 0 ? step.settings.clientToken : retryToken(step.settings.clientToken, round);
        const started = await tryStart(step, pipelineId, token);
        const answeredAt = step.clock.now();
        const other = started
            ? await startedBefore(step, started, firstStartWall)
            : await otherRunning(step, pipelineId);
        if (started && !other)
            return { executionId: started.executionId, ownership: 'started', visibleFrom: answeredAt };
        const adopted = followIfRunning(step, pipelineId, other);
        if (adopted)
            return adopted;
        if (other?.running)
            await waitForOther(step, pipelineId, other.execution);
        await pause(step, pipelineId);
    }
}
/** if-running for a busy pipeline: the error under fail, the execution to adopt under attach, nothing under wait. */
function followIfRunning(step, pipelineId, other) {
    const { settings, log, clock } = step;
    if (settings.ifRunning === 'wait')
        return undefined;
    if (settings.ifRunning === 'attach' && other) {
        const { execution } = other;
        log.info(`${other.why}; attaching to execution ${execution.executionId} (${execution.status}) (if-running: attach).`);
        return { executionId: execution.executionId, ownership: 'attached', visibleFrom: clock.now() };
    }
    const which = other
        ? `execution ${other.execution.executionId} (${other.execution.status})`
        : 'execution';
    const why = other?.why ?? `Pipeline ${pipelineId} already has a running ${which}`;
    const id = other?.execution.executionId;
    throw new Error(`${why}. Set if-running: attach to adopt it, if-running: wait to start after it ends${id ? `, or execution-id: ${id} to wait for it` : ''}.`);
}

;// CONCATENATED MODULE: ./src/run/outputs.ts
/**
 * The step's outputs: the only module that sets them. A write that fails (a
 * full disk) never stops the wait for a build that is still going: it is
 * warned about once, and the step fails with it, naming the file, once the
 * build is settled.
 */



class StepOutputs {
    set;
    log;
    failure;
    constructor(set, log) {
        this.set = set;
        this.log = log;
    }
    /** The first write that failed, if any. */
    get failed() {
        return this.failure;
    }
    pipeline(pipelineId) {
        this.write(Outputs.ImagePipelineId, pipelineId);
    }
    execution(executionId) {
        this.write(Outputs.ExecutionId, executionId);
    }
    /** What the latest poll saw, and how long the step has waited so far. */
    progress(execution, elapsedMs) {
        this.write(Outputs.Status, execution.status);
        // The execution's Message, or its failure reason when the Message is empty.
        this.write(Outputs.Message, execution.message ?? failureReason(execution) ?? '');
        if (execution.imageId)
            this.write(Outputs.ImageId, execution.imageId);
        this.duration(elapsedMs);
    }
    duration(elapsedMs) {
        this.write(Outputs.DurationSeconds, String(Math.round(elapsedMs / 1000)));
    }
    write(name, value) {
        try {
            this.set(name, value);
        }
        catch (error) {
            if (this.failure)
                return;
            this.failure = error instanceof Error ? error : new Error(String(error));
            this.log.warning(`${describeError(error)}; the step goes on, and fails once the build is settled.`);
        }
    }
}

;// CONCATENATED MODULE: ./src/run/pipeline.ts
/** The pipeline phase: the ID given, or the one a name resolves to; and its name for the summary. */


/** A best-effort look-up never holds the step up for longer than this. */
const pipeline_LOOK_UP_BUDGET_MS = 10_000;
/** At most this many other pipelines are named in the error when none matches. */
const LISTED = 10;
/** The pipeline to build, or undefined when only execution-id was given. */
async function pipelinePhase(step) {
    const { settings, log, outputs } = step;
    const name = settings.pipelineName;
    const pipelineId = settings.pipelineId ??
        (name
            ? await log.group(`Resolving image pipeline "${name}"`, () => resolvePipeline(step, name))
            : undefined);
    if (pipelineId)
        outputs.pipeline(pipelineId);
    return pipelineId;
}
/**
 * Resolves image-pipeline-name: exactly one match, or an error that lists what
 * was found; a listing that could not be read whole is said to be broken, not
 * read as "no such pipeline".
 */
async function resolvePipeline({ settings, ecs, log }, name) {
    const exact = new Map();
    const others = new Map();
    const listing = await eachPage((nextToken) => ecs.pipelinesPage({ name, nextToken }), (pipelines) => {
        for (const pipeline of pipelines) {
            if (pipeline.name === name)
                exact.set(pipeline.pipelineId, pipeline);
            else if (others.size < LISTED)
                others.set(pipeline.pipelineId, pipeline);
        }
    });
    const where = settings.regionId;
    if (exact.size === 1) {
        const [pipeline] = exact.values();
        log.info(`"${name}" is ${pipeline.pipelineId}`);
        return pipeline.pipelineId;
    }
    if (exact.size > 1)
        throw new Error(`${exact.size} image pipelines are named "${name}" in ${where}: ${[...exact.keys()].join(', ')}. Use image-pipeline-id to choose one.`);
    if (listing.end !== 'complete')
        throw new Error(`Could not resolve image-pipeline-name "${name}" in ${where}: ${brokenListing('image pipelines', listing)}. Use image-pipeline-id.`);
    const found = [...others.values()].map((p) => `${p.pipelineId} ("${p.name ?? ''}")`).join(', ');
    throw new Error(`No image pipeline is named "${name}" in ${where}${found ? `; found: ${found}` : ''}. Check image-pipeline-name and region-id, or use image-pipeline-id.`);
}
/** The pipeline's name, for the summary: best-effort, and nothing lost without it (e.g. no ecs:DescribeImagePipelines). */
async function lookUpPipelineName({ ecs, log }, pipelineId) {
    try {
        const { items } = await ecs
            .within(pipeline_LOOK_UP_BUDGET_MS)
            .pipelinesPage({ pipelineIds: [pipelineId] });
        return items.find((pipeline) => pipeline.pipelineId === pipelineId)?.name;
    }
    catch (error) {
        log.debug(`Pipeline name not read (${describeError(error)}); the summary shows the ID alone.`);
        return undefined;
    }
}

;// CONCATENATED MODULE: ./src/run/result.ts



/** After a time-out, the build is cancelled when this step started it and on-timeout says so. */
function cancelsAfterTimeout(ownership, settings) {
    return ownership === 'started' && settings.onTimeout === 'cancel';
}
function decideOutcome(ending, settings) {
    if (ending.end === 'aborted')
        return aborted(ending, settings);
    if (ending.end === 'timed_out' || ending.end === 'failed')
        return timedOut(ending, settings);
    return ended(ending, settings);
}
function lastStatus(ending) {
    return ending.execution?.status ?? 'unknown';
}
function aborted(ending, settings) {
    const owned = ending.ownership === 'started';
    const note = ending.cancel?.words ??
        (owned && !settings.cancelOnJobCancel
            ? 'cancel-on-job-cancel is false: the build was left running'
            : 'this step did not start it, so it was left running');
    return {
        conclusion: 'cancelled',
        passed: false,
        message: `The workflow run was cancelled while waiting for execution ${ending.executionId} (last status ${lastStatus(ending)}); ${note}.`,
        warning: false,
        note: `The workflow run was cancelled; ${note}.`,
        done: ending.cancel ? ending.cancel.settled : true
    };
}
/** A time-out, or a poll that failed for good: the build's end is unknown, and on-timeout decides. */
function timedOut(ending, settings) {
    const failed = ending.end === 'failed';
    let note;
    if (settings.onTimeout === 'leave') {
        note = `it was left running (on-timeout: leave); follow it with execution-id: ${ending.executionId}`;
    }
    else if (ending.ownership !== 'started') {
        note = 'this step did not start it, so it was left running';
    }
    else {
        note = ending.cancel?.words ?? 'no cancel was requested';
    }
    const what = failed
        ? `Polling execution ${ending.executionId} failed (${ending.error?.message ?? 'unknown error'}), so its end is unknown (last status ${lastStatus(ending)}); as after a time-out, ${note}.`
        : `Timed out after ${formatDuration(settings.timeoutMs)} waiting for execution ${ending.executionId} (last status ${lastStatus(ending)}); ${note}.`;
    return {
        conclusion: failed ? 'polling-failed' : 'timed-out',
        passed: false,
        message: what,
        warning: false,
        note: failed ? `Polling failed; ${note}.` : `Timed out; ${note}.`,
        done: ending.cancel ? ending.cancel.settled : true
    };
}
function ended(ending, settings) {
    const execution = ending.execution;
    const image = `Image: ${execution.imageId ?? 'none reported'}`;
    const reason = failureReason(execution);
    const detail = `Execution ${ending.executionId} ended with ${execution.status} after ${formatDuration(ending.durationMs)}${execution.message ? ` (message: "${execution.message}")` : ''}${reason ? ` (error: ${reason})` : ''}`;
    const result = { conclusion: 'failed', passed: false, warning: false, done: true };
    switch (classify(execution.status)) {
        case 'success':
            // A deploy must never run with an empty image ID.
            return execution.imageId
                ? { ...result, conclusion: 'succeeded', passed: true, message: `${detail}. ${image}` }
                : {
                    ...result,
                    message: `${detail}, but the service returned no image ID, so there is no image to hand on.`
                };
        case 'partial':
            return settings.allowPartialSuccess
                ? {
                    ...result,
                    conclusion: 'succeeded',
                    passed: true,
                    warning: true,
                    message: `${detail}. allow-partial-success is true, so the step passes. ${image}`
                }
                : {
                    ...result,
                    message: `${detail}. The image was created, but copying, sharing or clean-up failed; set allow-partial-success: true to accept this.`
                };
        default:
            return { ...result, message: `${detail}.` };
    }
}

;// CONCATENATED MODULE: ./src/run/summary.ts
/**
 * The job summary's markdown, as a pure function of what happened. One section
 * per execution: a heading that says how the step ended, then pipeline,
 * region, execution, status, image, duration, message (or the failure
 * reason), the timeline of statuses seen, and links. Every value from the
 * service goes in through `forSummary` (runner/text.ts): HTML-escaped, one
 * cell, no link.
 */



const OWNERSHIP_WORDS = {
    started: 'started',
    attached: 'attached',
    given: 'waited for'
};
/** A link of ours, shown only when it is a plain http(s) URL: nothing in it can break the markdown. */
function summary_link(label, url) {
    return url && /^https?:\/\/[A-Za-z0-9._~:/?#@!$&'*+,;=%-]+$/.test(url) && !/[()[\]]/.test(url)
        ? `[${label}](${url})`
        : undefined;
}
/**
 * The region's image list in the ECS console, in the form the vendor's
 * documentation links to it. The vendor documents no link to one image or to
 * an Image Builder execution, so none is made up.
 */
function consoleImagesUrl(regionId) {
    return `https://ecs.console.aliyun.com/#/image/region/${encodeURIComponent(regionId)}/imageList`;
}
const STATUS_WORDS = {
    FAILED: 'failed',
    TEST_FAILED: 'built an image that failed its tests',
    CANCELLED: 'was cancelled',
    PARTITION_SUCCESS: 'succeeded only in part',
    SUCCESS: 'ended without an image ID'
};
/** The heading: how the step ended, not only the build's last status. */
function heading(facts) {
    const status = facts.status ?? 'UNKNOWN';
    switch (facts.conclusion) {
        case 'succeeded':
            return status === 'PARTITION_SUCCESS'
                ? '### ⚠️ ECS image build succeeded in part (PARTITION_SUCCESS, accepted)'
                : '### ✅ ECS image build succeeded';
        case 'failed':
            return `### ❌ ECS image build ${STATUS_WORDS[status] ?? 'failed'} (${forSummary(status)})`;
        case 'timed-out':
            return `### ⏱️ ECS image build timed out (last status ${forSummary(status)})`;
        case 'polling-failed':
            return `### ❌ ECS image build could not be followed to its end (last status ${forSummary(status)})`;
        case 'cancelled':
            return `### ⏹️ ECS image build cancelled with the workflow run (last status ${forSummary(status)})`;
        case 'could-not-start':
            return '### ❌ ECS image build could not start';
    }
}
function pipelineCell({ pipelineId, pipelineName }) {
    if (pipelineName && pipelineId)
        return `${forSummary(pipelineName)} (${idForSummary(pipelineId)})`;
    return pipelineId ? idForSummary(pipelineId) : forSummary(pipelineName);
}
function imageCell({ imageId, status }) {
    if (!imageId)
        return '–';
    if (status === 'TEST_FAILED')
        return `${idForSummary(imageId)} ❌ **failed its tests: do not deploy it**`;
    if (status === 'PARTITION_SUCCESS')
        return `${idForSummary(imageId)} (copying, sharing or clean-up failed)`;
    return idForSummary(imageId);
}
function rows(facts) {
    const lines = [
        '| Build | |',
        '| --- | --- |',
        `| Pipeline | ${pipelineCell(facts)} |`,
        `| Region | ${forSummary(facts.regionId)} |`
    ];
    if (facts.executionId)
        lines.push(`| Execution | ${idForSummary(facts.executionId)}${facts.ownership ? ` (${OWNERSHIP_WORDS[facts.ownership]})` : ''} |`, `| Status | ${forSummary(facts.status)} |`, `| Image | ${imageCell(facts)} |`);
    lines.push(`| Duration | ${formatDuration(facts.durationMs)} |`);
    if (facts.executionId)
        lines.push(`| Message | ${forSummary(facts.message)} |`);
    if (facts.failure)
        lines.push(`| ${facts.executionId ? 'Failure' : 'Reason'} | ${forSummary(facts.failure)} |`);
    if (facts.note)
        lines.push(`| What became of it | ${forSummary(facts.note)} |`);
    if (facts.throttling)
        lines.push(throttlingRow(facts.throttling));
    return lines;
}
/** Why the step noticed the end late, when the account's rate quota was the reason. */
function throttlingRow({ throttled, polls, slowedMs }) {
    return `| Throttled | ${throttled} of ${polls} polls (the account's API rate quota); waiting it out added about ${formatDuration(slowedMs)} |`;
}
function timeOfDay(ms) {
    return new Date(ms)
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d{3}Z$/, ' UTC');
}
function timelineRows(timeline) {
    if (!timeline.length)
        return [];
    const lines = ['', '| Status seen | From | Lasted |', '| --- | --- | --- |'];
    timeline.forEach((entry, index) => {
        // The final status of an ended build has no duration: it is where things stay.
        const final = index === timeline.length - 1 && isTerminal(entry.status);
        lines.push(`| ${forSummary(entry.status)} | ${timeOfDay(entry.since)} | ${final ? '–' : formatDuration(entry.durationMs)} |`);
    });
    return lines;
}
function renderSummary(facts) {
    const links = [
        summary_link('Workflow run', facts.links?.run),
        summary_link('Commit', facts.links?.commit),
        summary_link(`Images in ${facts.regionId} (ECS console)`, consoleImagesUrl(facts.regionId))
    ].filter(Boolean);
    return [
        heading(facts),
        '',
        ...rows(facts),
        ...timelineRows(facts.timeline),
        '',
        links.join(' · '),
        ''
    ].join('\n');
}

;// CONCATENATED MODULE: ./src/run/report.ts
/**
 * The report phase: once the wait is over, cancel what is to be cancelled,
 * settle the result (./result.ts), and write it where users look: outputs, the
 * job summary, the log, and the post step's state.
 */







/** How long the cancel after a time-out may take. */
const CANCEL_AFTER_TIMEOUT_BUDGET_MS = 30_000;
async function reportPhase(step, chosen, knownPipelineId, waited) {
    const { settings, clock, outputs, startedAt } = step;
    const durationMs = clock.now() - startedAt;
    outputs.duration(durationMs);
    const last = waited.execution;
    const pipelineId = knownPipelineId ?? last?.pipelineId;
    if (pipelineId && !knownPipelineId)
        outputs.pipeline(pipelineId);
    const cancel = await cancelAfterWait(step, chosen, waited);
    const result = decideOutcome({ ...chosen, end: waited.end, error: waited.error, execution: last, durationMs, cancel }, settings);
    // The summary names the pipeline; on a cancelled run, no time is spent on that.
    const pipelineName = settings.pipelineName ??
        (pipelineId && waited.end !== 'aborted'
            ? await lookUpPipelineName(step, pipelineId)
            : undefined);
    await writeSummary(step, {
        conclusion: result.conclusion,
        pipelineId,
        pipelineName,
        regionId: settings.regionId,
        executionId: chosen.executionId,
        status: last?.status,
        imageId: last?.imageId,
        durationMs,
        message: last?.message,
        failure: last ? failureReason(last) : undefined,
        ownership: chosen.ownership,
        note: result.note,
        throttling: waited.throttledPolls
            ? { throttled: waited.throttledPolls, polls: waited.polls, slowedMs: waited.throttleDelayMs }
            : undefined,
        links: runLinks(settings.origin),
        timeline: waited.timeline
    });
    conclude(step, result, cancel);
}
/** The cancel a time-out calls for, or the one a cancelled run already asked for. */
async function cancelAfterWait({ settings, cancellation }, chosen, waited) {
    const unknownEnd = waited.end === 'timed_out' || waited.end === 'failed';
    if (unknownEnd && cancelsAfterTimeout(chosen.ownership, settings))
        return cancellation.cancelOnce(chosen.executionId, CANCEL_AFTER_TIMEOUT_BUDGET_MS);
    if (waited.end === 'aborted')
        return cancellation.outcome();
    return undefined;
}
/** The post step's state, then the step's last word. */
function conclude({ log, postStep, outputs }, result, cancel) {
    if (result.done)
        postStep.done();
    else if (cancel && !cancel.settled)
        postStep.cancelFailed(cancel.words);
    if (!result.passed)
        throw new ReportedFailure(result.message);
    // The build is settled; outputs that could not be written fail the step now.
    if (outputs.failed)
        throw new ReportedFailure(describeError(outputs.failed));
    if (result.warning)
        log.warning(result.message);
    else
        log.info(result.message);
}
async function writeSummary(step, facts) {
    try {
        await step.writeSummary(renderSummary(facts));
    }
    catch (error) {
        step.log.warning(`Could not write the job summary: ${describeError(error)}`);
    }
}

;// CONCATENATED MODULE: ./src/run/history.ts
/**
 * This pipeline's recent successful builds: their durations tell when this one
 * is likely to end, so the wait can poll sparsely until then. Best-effort,
 * within a small budget of its own: without it the schedule is only
 * phase-aware.
 */



const HISTORY_SIZE = 10;
const HISTORY_BUDGET_MS = 10_000;
async function readHistory({ ecs, log }, pipelineId, executionId) {
    try {
        const recent = await ecs.within(HISTORY_BUDGET_MS).executionsPage({
            pipelineId,
            statuses: ['SUCCESS'],
            maxResults: HISTORY_SIZE
        });
        const durations = recent.items
            .filter((execution) => execution.executionId !== executionId)
            .map((execution) => Date.parse(execution.modifiedTime ?? '') - Date.parse(execution.creationTime ?? ''));
        const window = expectedEndWindow(durations);
        log.info(window
            ? `Recent successful builds of ${pipelineId} took ${formatDuration(window.fromMs / 0.9)} to ${formatDuration(window.toMs / 1.1)}: polling sparsely for the first ${formatDuration(window.fromMs)}.`
            : `Fewer than 2 recent successful builds of ${pipelineId} to learn from: polling by phase only.`);
        return window;
    }
    catch (error) {
        log.debug(`History not read (${describeError(error)}); polling by phase only.`);
        return undefined;
    }
}

;// CONCATENATED MODULE: ./src/run/waiting.ts
/** The wait phase: history first (when it can help), then the wait loop, outputs refreshed as it goes. */


async function waitPhase(step, { executionId, visibleFrom }, pipelineId) {
    const { settings, ecs, clock, log, outputs, cancellation, startedAt, deadline } = step;
    const expectedEnd = settings.history && pipelineId && !cancellation.cancelled
        ? await readHistory(step, pipelineId, executionId)
        : undefined;
    return log.group(`Waiting for execution ${executionId}`, () => waitForExecution({
        // The loop makes one attempt a poll: a failed poll is retried at the next one.
        api: ecs.with({ maxAttempts: 1 }),
        executionId,
        clock,
        log,
        deadline,
        startedAt,
        visibleFrom,
        schedule: { minMs: settings.pollIntervalMs, maxMs: settings.maxPollIntervalMs, expectedEnd },
        signal: cancellation.signal,
        onPoll: (execution) => outputs.progress(execution, clock.now() - startedAt)
    }));
}

;// CONCATENATED MODULE: ./src/run/run.ts
/**
 * The main step, as phases in the order they happen:
 * settings → credentials → pipeline → execution → wait → report.
 * A failure after the settings were read that no phase reported gets a
 * summary of its own (a refused start included).
 */














async function runMainStep(deps) {
    const settings = settingsPhase(deps);
    // The role assumption counts inside timeout, as every request does.
    const startedAt = deps.clock.now();
    const deadline = startedAt + settings.timeoutMs;
    const postStep = new PostStepState(deps.stateStore);
    const begun = { settings, startedAt, deadline, postStep, known: {} };
    try {
        const provider = await credentialsPhase(settings, deps, { clock: deps.clock, deadline });
        await stepPhases(deps, begun, provider);
    }
    catch (error) {
        if (!(error instanceof ReportedFailure))
            await failureSummary(deps, begun, error);
        throw error;
    }
}
async function stepPhases(deps, begun, provider) {
    const { settings, postStep, known } = begun;
    const { clock, log } = deps;
    const client = deps.connect(settings, provider, log, deps.route);
    let ecs;
    const cancellation = new RunCancellation(deps.signals, log, async (executionId, budgetMs) => {
        const cancel = await cancelBuild(ecs, executionId, budgetMs);
        recordCancel(deps, begun, provider, cancel);
        return cancel;
    });
    try {
        const recover = [(error) => provider.refused(error)];
        ecs = withPolicy(client, {
            clock,
            log,
            deadline: begun.deadline,
            signal: cancellation.signal,
            recover
        });
        const outputs = new StepOutputs(deps.setOutput, log);
        const step = {
            ...begun,
            ecs,
            provider,
            clock,
            log,
            outputs,
            postStep,
            cancellation,
            writeSummary: deps.writeSummary
        };
        known.pipelineId = await pipelinePhase(step);
        const chosen = await executionPhase(step, known.pipelineId);
        known.executionId = chosen.executionId;
        if (!settings.waitForEnd)
            return leaveRunning(step, chosen.executionId);
        const waited = await waitPhase(step, chosen, known.pipelineId);
        await reportPhase(step, chosen, known.pipelineId, waited);
    }
    finally {
        cancellation.dispose();
    }
}
/** At once, for the post step: the step may be killed before it reports. */
function recordCancel(deps, { postStep, settings }, provider, cancel) {
    try {
        if (cancel.settled)
            postStep.cancelRequested();
        else if (provider.dead && !settings.credentialSource.renewable)
            postStep.credentialsRefused(provider.dead.code);
    }
    catch (error) {
        deps.log.warning(describeError(error));
    }
}
/** wait: false. A run cancelled while the build was starting cancels it all the same. */
async function leaveRunning(step, executionId) {
    const cancel = step.cancellation.cancelled ? await step.cancellation.outcome() : undefined;
    if (cancel) {
        if (cancel.settled)
            step.postStep.done();
        else
            step.postStep.execution(executionId, true);
        throw new Error(`The workflow run was cancelled while execution ${executionId} was starting; ${cancel.words}.`);
    }
    step.log.info(`wait is false: execution ${executionId} goes on without this step. Wait for it in a later step with execution-id: ${executionId}`);
    step.postStep.done();
}
/** Every input, validated before any request; every secret masked before anything is logged. */
function settingsPhase(deps) {
    const settings = getSettings(deps.env);
    for (const secret of settings.credentialSource.secrets())
        deps.secrets.add(secret);
    deps.log.info(`Region ${settings.regionId}, endpoint ${settings.ecsEndpoint.protocol}://${settings.ecsEndpoint.host}, credentials: ${settings.credentialSource.describe()}`);
    return settings;
}
/** The provider; a source whose first keys take a request gets them first, so a trust problem is the first thing reported. */
async function credentialsPhase(settings, deps, scope) {
    const context = {
        stsEndpoint: settings.stsEndpoint,
        metadataEndpoint: settings.metadataEndpoint,
        route: deps.route,
        log: deps.log,
        clock: deps.clock,
        mask: deps.secrets.add
    };
    const provider = deps.makeProvider(settings, context);
    const title = settings.credentialSource.obtainTitle;
    if (title)
        await deps.log.group(title, () => withinScope(scope, () => provider.getCredential()));
    return provider;
}
async function failureSummary(deps, begun, error) {
    const { settings, known } = begun;
    await writeSummary(deps, {
        conclusion: known.executionId ? 'failed' : 'could-not-start',
        pipelineId: known.pipelineId ?? settings.pipelineId,
        pipelineName: settings.pipelineName,
        regionId: settings.regionId,
        executionId: known.executionId,
        durationMs: deps.clock.now() - begun.startedAt,
        failure: describeError(error),
        links: runLinks(settings.origin),
        timeline: []
    });
}

;// CONCATENATED MODULE: ./src/runner/runner.ts
/**
 * The one door to the runner: every log line, annotation and group title, every
 * output, every piece of state and the job summary leave the action here, and
 * only here (the one other user of @actions/core, inputs/settings.ts, only
 * reads). Everything is scrubbed of secrets first, then made safe for what
 * reads it (./text.ts): the runner's command parser for stdout, GFM for the
 * summary. Secrets are masked through `runnerMask` (../secrets.ts calls it).
 * A runner file that cannot be written (a full disk, a path that is
 * a directory) is an error that names the file.
 */


/** A runner file (GITHUB_OUTPUT, GITHUB_STATE, GITHUB_STEP_SUMMARY) that could not be written. */
class RunnerFileError extends Error {
    file;
    constructor(file, what, cause) {
        const path = process.env[file];
        const reason = cause?.code ?? cause?.message ?? cause;
        super(`Could not write ${what} to ${file}${path ? ` (${forLog(path, 300)})` : ''}: ${reason}`);
        this.file = file;
        this.name = 'RunnerFileError';
    }
}
function writing(file, what, write) {
    try {
        return write();
    }
    catch (error) {
        throw new RunnerFileError(file, what, error);
    }
}
/** Tells the runner to mask a secret (`::add-mask::`); runner-side escaping is @actions/core's. */
function runnerMask(secret) {
    core_setSecret(secret);
}
/** The runner's log: every line scrubbed, then defused. */
function runnerLog(secrets) {
    const line = (message) => forLog(secrets.scrub(message));
    return {
        debug: (message) => core_debug(line(message)),
        info: (message) => info(line(message)),
        warning: (message) => warning(line(message)),
        notice: (message) => notice(line(message)),
        group: (name, fn) => group(line(name), fn)
    };
}
function actionsRunner(secrets) {
    return {
        log: runnerLog(secrets),
        setOutput: (name, value) => writing('GITHUB_OUTPUT', `the output ${name}`, () => setOutput(name, forOutput(secrets.scrub(value)))),
        state: {
            get: (name) => getState(name),
            set: (name, value) => writing('GITHUB_STATE', `what the post step needs (${name})`, () => saveState(name, forOutput(secrets.scrub(value))))
        },
        writeSummary: async (markdown) => {
            try {
                // In markdown, *** would be emphasis: the mark goes in as entities.
                await summary.addRaw(capSummary(secrets.scrub(markdown, '&#42;&#42;&#42;'))).write();
            }
            catch (error) {
                throw new RunnerFileError('GITHUB_STEP_SUMMARY', 'the job summary', error);
            }
            finally {
                summary.emptyBuffer();
            }
        },
        fail: (message) => setFailed(forLog(secrets.scrub(message)))
    };
}

;// CONCATENATED MODULE: ./src/secrets.ts
/**
 * Every secret the action holds (keys, tokens, STS credentials, the ID token,
 * a proxy's password): masked in the runner's log when it becomes known, and
 * scrubbed from any text before that text is logged, summarised, set as an
 * output or put into the step's failure. The service may echo a request back
 * in an error, so text from it can carry a secret too.
 */

const REDACTED = '***';
class Secrets {
    mask;
    values = new Set();
    /** `mask` tells the runner (runner/runner.ts `runnerMask`); tests pass their own. */
    constructor(mask) {
        this.mask = mask;
    }
    /**
     * Masks the secret at once, and scrubs it from now on: as it is, URL-encoded,
     * and as the log and the summary would show it (escaped), since they are
     * scrubbed after the text was made safe for them.
     */
    add = (secret) => {
        if (!secret)
            return;
        this.mask(secret);
        for (const form of [
            secret,
            encodeURIComponent(secret),
            encodeURIComponent(secret).replace(/%20/g, '+'),
            showInvisible(secret),
            summaryText(secret)
        ]) {
            // Short values would scrub ordinary words: GitHub does not mask them either.
            if (form.length >= 4)
                this.values.add(form);
        }
    };
    /** `text` with every secret replaced by `***` (or `redacted`: markdown wants it as entities). */
    scrub = (text, redacted = REDACTED) => {
        let result = text;
        // Longest first, so that no part of a secret survives a shorter one's replacement.
        for (const value of [...this.values].sort((a, b) => b.length - a.length)) {
            result = result.split(value).join(redacted);
        }
        return result;
    };
}

;// CONCATENATED MODULE: ./src/main.ts
/**
 * The main step: binds the phases (run/run.ts) to the runner, and is the only
 * place that fails the step, once, with the action's name in front. Everything
 * it writes leaves through the one door to the runner (runner/runner.ts).
 */









function runnerDependencies(secrets) {
    const runner = actionsRunner(secrets);
    return {
        clock: systemClock,
        log: runner.log,
        secrets,
        stateStore: runner.state,
        env: process.env,
        signals: process,
        setOutput: runner.setOutput,
        writeSummary: runner.writeSummary,
        route: createRouter(secrets.add),
        makeProvider: chosenSource,
        connect: connectEcs
    };
}
async function run(overrides = {}) {
    const secrets = overrides.secrets ?? new Secrets(runnerMask);
    const deps = { ...runnerDependencies(secrets), ...overrides };
    try {
        await runMainStep(deps);
    }
    catch (error) {
        actionsRunner(deps.secrets).fail(`${ACTION_NAME}: ${describeError(error)}`);
    }
}


/***/ }),

/***/ 613:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("assert");

/***/ }),

/***/ 982:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("crypto");

/***/ }),

/***/ 434:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("events");

/***/ }),

/***/ 896:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("fs");

/***/ }),

/***/ 611:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("http");

/***/ }),

/***/ 692:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("https");

/***/ }),

/***/ 278:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("net");

/***/ }),

/***/ 857:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("os");

/***/ }),

/***/ 480:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("querystring");

/***/ }),

/***/ 203:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("stream");

/***/ }),

/***/ 756:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("tls");

/***/ }),

/***/ 18:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("tty");

/***/ }),

/***/ 16:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("url");

/***/ }),

/***/ 23:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("util");

/***/ }),

/***/ 106:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("zlib");

/***/ })

/******/ });
/************************************************************************/
/******/ // The module cache
/******/ var __webpack_module_cache__ = {};
/******/ 
/******/ // The require function
/******/ function __nccwpck_require__(moduleId) {
/******/ 	// Check if module is in cache
/******/ 	var cachedModule = __webpack_module_cache__[moduleId];
/******/ 	if (cachedModule !== undefined) {
/******/ 		return cachedModule.exports;
/******/ 	}
/******/ 	// Create a new module (and put it into the cache)
/******/ 	var module = __webpack_module_cache__[moduleId] = {
/******/ 		// no module.id needed
/******/ 		// no module.loaded needed
/******/ 		exports: {}
/******/ 	};
/******/ 
/******/ 	// Execute the module function
/******/ 	var threw = true;
/******/ 	try {
/******/ 		__webpack_modules__[moduleId].call(module.exports, module, module.exports, __nccwpck_require__);
/******/ 		threw = false;
/******/ 	} finally {
/******/ 		if(threw) delete __webpack_module_cache__[moduleId];
/******/ 	}
/******/ 
/******/ 	// Return the exports of the module
/******/ 	return module.exports;
/******/ }
/******/ 
/******/ // expose the modules object (__webpack_modules__)
/******/ __nccwpck_require__.m = __webpack_modules__;
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/asset-relocator-loader */
/******/ if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = decodeURIComponent(new URL('.', import.meta.url).pathname).slice(import.meta.url.match(/^file:\/\/\/\w:/) ? 1 : 0, -1) + "/";
/******/ 
/******/ /* webpack/runtime/async module */
/******/ (() => {
/******/ 	var webpackQueues = typeof Symbol === "function" ? Symbol("webpack queues") : "__webpack_queues__";
/******/ 	var webpackExports = typeof Symbol === "function" ? Symbol("webpack exports") : "__webpack_exports__";
/******/ 	var webpackError = typeof Symbol === "function" ? Symbol("webpack error") : "__webpack_error__";
/******/ 	var resolveQueue = (queue) => {
/******/ 		if(queue && queue.d < 1) {
/******/ 			queue.d = 1;
/******/ 			queue.forEach((fn) => (fn.r--));
/******/ 			queue.forEach((fn) => (fn.r-- ? fn.r++ : fn()));
/******/ 		}
/******/ 	}
/******/ 	var wrapDeps = (deps) => (deps.map((dep) => {
/******/ 		if(dep !== null && typeof dep === "object") {
/******/ 			if(dep[webpackQueues]) return dep;
/******/ 			if(dep.then) {
/******/ 				var queue = [];
/******/ 				queue.d = 0;
/******/ 				dep.then((r) => {
/******/ 					obj[webpackExports] = r;
/******/ 					resolveQueue(queue);
/******/ 				}, (e) => {
/******/ 					obj[webpackError] = e;
/******/ 					resolveQueue(queue);
/******/ 				});
/******/ 				var obj = {};
/******/ 				obj[webpackQueues] = (fn) => (fn(queue));
/******/ 				return obj;
/******/ 			}
/******/ 		}
/******/ 		var ret = {};
/******/ 		ret[webpackQueues] = x => {};
/******/ 		ret[webpackExports] = dep;
/******/ 		return ret;
/******/ 	}));
/******/ 	__nccwpck_require__.a = (module, body, hasAwait) => {
/******/ 		var queue;
/******/ 		hasAwait && ((queue = []).d = -1);
/******/ 		var depQueues = new Set();
/******/ 		var exports = module.exports;
/******/ 		var currentDeps;
/******/ 		var outerResolve;
/******/ 		var reject;
/******/ 		var promise = new Promise((resolve, rej) => {
/******/ 			reject = rej;
/******/ 			outerResolve = resolve;
/******/ 		});
/******/ 		promise[webpackExports] = exports;
/******/ 		promise[webpackQueues] = (fn) => (queue && fn(queue), depQueues.forEach(fn), promise["catch"](x => {}));
/******/ 		module.exports = promise;
/******/ 		body((deps) => {
/******/ 			currentDeps = wrapDeps(deps);
/******/ 			var fn;
/******/ 			var getResult = () => (currentDeps.map((d) => {
/******/ 				if(d[webpackError]) throw d[webpackError];
/******/ 				return d[webpackExports];
/******/ 			}))
/******/ 			var promise = new Promise((resolve) => {
/******/ 				fn = () => (resolve(getResult));
/******/ 				fn.r = 0;
/******/ 				var fnQueue = (q) => (q !== queue && !depQueues.has(q) && (depQueues.add(q), q && !q.d && (fn.r++, q.push(fn))));
/******/ 				currentDeps.map((dep) => (dep[webpackQueues](fnQueue)));
/******/ 			});
/******/ 			return fn.r ? promise : getResult();
/******/ 		}, (err) => ((err ? reject(promise[webpackError] = err) : outerResolve(exports)), resolveQueue(queue)));
/******/ 		queue && queue.d < 0 && (queue.d = 0);
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/create fake namespace object */
/******/ (() => {
/******/ 	var getProto = Object.getPrototypeOf ? (obj) => (Object.getPrototypeOf(obj)) : (obj) => (obj.__proto__);
/******/ 	var leafPrototypes;
/******/ 	// create a fake namespace object
/******/ 	// mode & 1: value is a module id, require it
/******/ 	// mode & 2: merge all properties of value into the ns
/******/ 	// mode & 4: return value when already ns object
/******/ 	// mode & 16: return value when it's Promise-like
/******/ 	// mode & 8|1: behave like require
/******/ 	__nccwpck_require__.t = function(value, mode) {
/******/ 		if(mode & 1) value = this(value);
/******/ 		if(mode & 8) return value;
/******/ 		if(typeof value === 'object' && value) {
/******/ 			if((mode & 4) && value.__esModule) return value;
/******/ 			if((mode & 16) && typeof value.then === 'function') return value;
/******/ 		}
/******/ 		var ns = Object.create(null);
/******/ 		__nccwpck_require__.r(ns);
/******/ 		var def = {};
/******/ 		leafPrototypes = leafPrototypes || [null, getProto({}), getProto([]), getProto(getProto)];
/******/ 		for(var current = mode & 2 && value; typeof current == 'object' && !~leafPrototypes.indexOf(current); current = getProto(current)) {
/******/ 			Object.getOwnPropertyNames(current).forEach((key) => (def[key] = () => (value[key])));
/******/ 		}
/******/ 		def['default'] = () => (value);
/******/ 		__nccwpck_require__.d(ns, def);
/******/ 		return ns;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/define property getters */
/******/ (() => {
/******/ 	// define getter functions for harmony exports
/******/ 	__nccwpck_require__.d = (exports, definition) => {
/******/ 		for(var key in definition) {
/******/ 			if(__nccwpck_require__.o(definition, key) && !__nccwpck_require__.o(exports, key)) {
/******/ 				Object.defineProperty(exports, key, { enumerable: true, get: definition[key] });
/******/ 			}
/******/ 		}
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/ensure chunk */
/******/ (() => {
/******/ 	__nccwpck_require__.f = {};
/******/ 	// This file contains only the entry chunk.
/******/ 	// The chunk loading function for additional chunks
/******/ 	__nccwpck_require__.e = (chunkId) => {
/******/ 		return Promise.all(Object.keys(__nccwpck_require__.f).reduce((promises, key) => {
/******/ 			__nccwpck_require__.f[key](chunkId, promises);
/******/ 			return promises;
/******/ 		}, []));
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/get javascript chunk filename */
/******/ (() => {
/******/ 	// This function allow to reference async chunks
/******/ 	__nccwpck_require__.u = (chunkId) => {
/******/ 		// return url for filenames based on template
/******/ 		return "" + chunkId + ".index.js";
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/hasOwnProperty shorthand */
/******/ (() => {
/******/ 	__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ })();
/******/ 
/******/ /* webpack/runtime/make namespace object */
/******/ (() => {
/******/ 	// define __esModule on exports
/******/ 	__nccwpck_require__.r = (exports) => {
/******/ 		if(typeof Symbol !== 'undefined' && Symbol.toStringTag) {
/******/ 			Object.defineProperty(exports, Symbol.toStringTag, { value: 'Module' });
/******/ 		}
/******/ 		Object.defineProperty(exports, '__esModule', { value: true });
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/import chunk loading */
/******/ (() => {
/******/ 	// no baseURI
/******/ 	
/******/ 	// object to store loaded and loading chunks
/******/ 	// undefined = chunk not loaded, null = chunk preloaded/prefetched
/******/ 	// [resolve, Promise] = chunk loading, 0 = chunk loaded
/******/ 	var installedChunks = {
/******/ 		792: 0
/******/ 	};
/******/ 	
/******/ 	var installChunk = (data) => {
/******/ 		var {ids, modules, runtime} = data;
/******/ 		// add "modules" to the modules object,
/******/ 		// then flag all "ids" as loaded and fire callback
/******/ 		var moduleId, chunkId, i = 0;
/******/ 		for(moduleId in modules) {
/******/ 			if(__nccwpck_require__.o(modules, moduleId)) {
/******/ 				__nccwpck_require__.m[moduleId] = modules[moduleId];
/******/ 			}
/******/ 		}
/******/ 		if(runtime) runtime(__nccwpck_require__);
/******/ 		for(;i < ids.length; i++) {
/******/ 			chunkId = ids[i];
/******/ 			if(__nccwpck_require__.o(installedChunks, chunkId) && installedChunks[chunkId]) {
/******/ 				installedChunks[chunkId][0]();
/******/ 			}
/******/ 			installedChunks[ids[i]] = 0;
/******/ 		}
/******/ 	
/******/ 	}
/******/ 	
/******/ 	__nccwpck_require__.f.j = (chunkId, promises) => {
/******/ 			// import() chunk loading for javascript
/******/ 			var installedChunkData = __nccwpck_require__.o(installedChunks, chunkId) ? installedChunks[chunkId] : undefined;
/******/ 			if(installedChunkData !== 0) { // 0 means "already installed".
/******/ 	
/******/ 				// a Promise means "currently loading".
/******/ 				if(installedChunkData) {
/******/ 					promises.push(installedChunkData[1]);
/******/ 				} else {
/******/ 					if(true) { // all chunks have JS
/******/ 						// setup Promise in chunk cache
/******/ 						var promise = import("./" + __nccwpck_require__.u(chunkId)).then(installChunk, (e) => {
/******/ 							if(installedChunks[chunkId] !== 0) installedChunks[chunkId] = undefined;
/******/ 							throw e;
/******/ 						});
/******/ 						var promise = Promise.race([promise, new Promise((resolve) => (installedChunkData = installedChunks[chunkId] = [resolve]))])
/******/ 						promises.push(installedChunkData[1] = promise);
/******/ 					}
/******/ 				}
/******/ 			}
/******/ 	};
/******/ 	
/******/ 	// no prefetching
/******/ 	
/******/ 	// no preloaded
/******/ 	
/******/ 	// no external install chunk
/******/ 	
/******/ 	// no on chunks loaded
/******/ })();
/******/ 
/************************************************************************/
/******/ 
/******/ // startup
/******/ // Load entry module and return exports
/******/ // This entry module used 'module' so it can't be inlined
/******/ var __webpack_exports__ = __nccwpck_require__(407);
/******/ __webpack_exports__ = await __webpack_exports__;
/******/ 
